using System.Globalization;
using System.Text.Json;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Core.Syntax.NftJson;
using DockerFw.Tests;
using DockerFw.Tests.Semantics;
using DockerFw.Tests.Semantics.Symbolic;

namespace DockerFw.Core.Tests.NftJson;

/// <summary>
/// nft's <c>tcp flags</c> tests that say "not", as <c>nft -j list ruleset</c> (nftables 1.0.6) printed
/// them (Fixtures/tcp-flags-negated.nft, loaded in a namespace; .json is its listing): <c>tcp flags !
/// syn</c> (JSON op <c>!</c>: none of the flags set), <c>tcp flags != syn</c> and the byte nft prints
/// as a number (<c>!= 0x12</c>), and the masked <c>tcp flags &amp; (syn|ack) != syn</c>. Each rule's
/// comment holds its bytecode (<c>nft --debug=netlink</c>: the byte masked and compared) and the
/// iptables form it reads as; the tracer is held to the bytecode over all 256 flag bytes.
/// </summary>
public sealed class NftNegatedTcpFlagsTests
{
    private static readonly string Fixture = Path.Combine(Corpus.RepoRoot, "tests", "DockerFw.Core.Tests", "NftJson", "Fixtures", "tcp-flags-negated.json");

    /// <summary>Each rule of the fixture: its match as nft printed it, its bytecode and its iptables form (from its comment).</summary>
    private static IEnumerable<(string Match, string Bytecode, string Iptables)> FixtureRules()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Fixture));
        foreach (var item in json.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (!item.TryGetProperty("rule", out var rule)) continue;
            var comment = rule.GetProperty("comment").GetString()!.Split(" | ");
            yield return (rule.GetProperty("expr")[0].GetRawText(), comment[0], comment[1]);
        }
    }

    public static TheoryData<string, string, string> Rules()
    {
        var data = new TheoryData<string, string, string>();
        // nft lists "tcp flags & (syn|ack) == 0" as "tcp flags ! syn,ack": one case for the two.
        foreach (var (match, bytecode, iptables) in FixtureRules().DistinctBy(r => r.Match)) data.Add(match, bytecode, iptables);
        return data;
    }

    [Fact]
    public void The_whole_listing_is_read_with_every_flags_test_typed()
    {
        var read = NftJsonReader.Read(File.ReadAllText(Fixture), "tcp-flags-negated.json");

        Assert.Empty(read.Diagnostics);
        var rules = HostRuleset.Merge(Dump.Read("*filter\n:FORWARD ACCEPT [0:0]\nCOMMIT\n"), read.Value!).Rules.Where(r => r.Chain == "f").ToList();
        Assert.Equal(14, rules.Count);
        Assert.All(rules, r => Assert.Single(r.Matches.OfType<TcpFlagsMatch>()));
        Assert.All(rules, r => Assert.Empty(r.Matches.OfType<OpaqueMatch>()));
    }

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_form_reads_as_its_iptables_form(string match, string bytecode, string iptables)
    {
        var rule = OneNftRule.Of(OneNftRule.Host(match));

        Assert.True(bytecode.Length > 0);
        Assert.Equal($"-A f -p tcp {iptables} -j DROP", IptablesSaveWriter.FormatRule(rule));
    }

    [Fact]
    public void A_masked_not_syn_is_iptables_not_syn()
    {
        var iptables = Dump.Read("*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -p tcp ! --syn -j DROP\nCOMMIT\n").Rules.Single();
        var nft = OneNftRule.Of(OneNftRule.Host(FixtureRules().Single(r => r.Bytecode == "& 0x17 != 0x02").Match));

        Assert.Equal(Assert.Single(iptables.Matches.OfType<TcpFlagsMatch>()), Assert.Single(nft.Matches.OfType<TcpFlagsMatch>()));
    }

    [Theory]
    [MemberData(nameof(Rules))]
    public void The_tracer_decides_every_flags_byte_as_the_bytecode_does(string match, string bytecode, string iptables)
    {
        var host = OneNftRule.Host(match);
        var matches = Bytecode(bytecode);

        foreach (var flags in Enumerable.Range(0, 256))
        {
            var packet = Packets.Tcp("10.0.0.1:40000", "10.0.0.2:80", "eth0", "eth1") with { TcpFlags = (TcpFlags)flags };
            var result = PacketTracer.Trace(host, packet, PacketPath.Forward);
            Assert.True(result.Certain, $"{iptables}: flags 0x{flags:x2}");
            Assert.True(result.Verdict == (matches(flags) ? PacketVerdict.Drop : PacketVerdict.Accept), $"{iptables}: flags 0x{flags:x2}: {result.Verdict}");
        }
    }

    [Theory]
    [MemberData(nameof(Rules))]
    public void Reach_decides_every_packet_and_the_tracer_agrees(string match, string bytecode, string iptables)
    {
        var host = OneNftRule.Host(match);
        var compiled = SymbolicRuleset.Compile(host);

        var result = SymbolicEngine.Reach(compiled, PacketPath.Forward, compiled.Space.Universe(PacketPath.Forward));

        Assert.True(bytecode.Length > 0 && iptables.Length > 0);
        Assert.DoesNotContain(result.Regions, r => r.Verdict == ReachVerdict.Maybe);
        RegionSamples.AssertTracerAgrees(host, compiled, result, 16);
    }

    // "& 0x12 != 0x02": nft's bitwise and cmp on the flags byte.
    private static Func<int, bool> Bytecode(string text)
    {
        var parts = text.Split(' ');
        var (mask, value) = (Hex(parts[1]), Hex(parts[3]));
        return parts[2] == "==" ? b => (b & mask) == value : b => (b & mask) != value;

        static int Hex(string s) => int.Parse(s[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }
}
