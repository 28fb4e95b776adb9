using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using static DockerFw.Tests.Semantics.Packets;

namespace DockerFw.Tests.Semantics;

/// <summary>
/// A match module named without options, and the IPv6 extension-header modules, in both engines:
/// <c>-A FORWARD CONDITION -j ACCEPT</c> under a DROP policy, where the tracer's verdict for one packet
/// and reach's over every packet must say the same. <c>-m limit</c> alone still limits (3/hour, burst
/// 5): taking it for "every packet" claimed a certain ACCEPT the kernel gives five packets. An
/// <c>-m rt</c> rule (ufw writes <c>-m rt --rt-type 0 -j DROP</c> first in its IPv6 chains) matches
/// only packets with a routing header, which ordinary traffic does not carry.
/// </summary>
public sealed class BareModuleTests
{
    [Theory]
    [InlineData("-m limit", "MAYBE")]
    [InlineData("-m socket", "MAYBE")]
    [InlineData("-m rpfilter", "MAYBE")]
    [InlineData("-m limit --limit 5/sec", "MAYBE")]
    public void Ipv4_module_alone(string condition, string expected)
    {
        var dump = Dump4(condition);
        Assert.Equal(expected, Traced(dump, Tcp("10.0.0.1:40000", "172.17.0.2:80", "eth0", "docker0"), IpFamily.V4));
        Assert.Equal(expected, Reached(dump, IpFamily.V4));
    }

    [Theory]
    [InlineData("-m rt --rt-type 0", "DROP")]
    [InlineData("-m rt ! --rt-type 0", "DROP")]
    [InlineData("-m rt", "DROP")]
    [InlineData("-m hbh", "DROP")]
    [InlineData("-m hbh --hbh-len 8", "DROP")]
    [InlineData("-m dst --dst-len 8", "DROP")]
    [InlineData("-m frag --fragid 5", "MAYBE")] // a first fragment carries the fragment header too
    [InlineData("-p ipv6-icmp -m icmp6 --icmpv6-type 128", "ACCEPT")]
    public void Ipv6_extension_header_modules(string condition, string expected)
    {
        var dump = $"*filter\n:FORWARD DROP [0:0]\n-A FORWARD {condition} -j ACCEPT\nCOMMIT";
        var ping = new Packet(IpFamily.V6, IpAddressValue.Parse("fd00:d0c:11::2", IpFamily.V6), IpAddressValue.Parse("fd00:d0c:10::2", IpFamily.V6),
            Protocol.IcmpV6, IcmpType: 128, IcmpCode: 0, InInterface: "br-a", OutInterface: "br-b", TcpFlags: TcpFlags.None);
        Assert.Equal(expected, Traced(dump, ping, IpFamily.V6));
        if (!condition.Contains("icmp6", StringComparison.Ordinal)) Assert.Equal(expected, Reached(dump, IpFamily.V6));
    }

    [Fact]
    public void Ufws_routing_header_drop_leaves_ordinary_ipv6_traffic_to_the_rules_after_it()
    {
        var dump = """
            *filter
            :FORWARD DROP [0:0]
            -A FORWARD -m rt --rt-type 0 -j DROP
            -A FORWARD -p ipv6-icmp -m icmp6 --icmpv6-type 128 -j ACCEPT
            COMMIT
            """;
        var result = SymbolicEngine.Reach(SymbolicRuleset.Compile(Dump.Read(dump, IpFamily.V6)), new ReachQuery(PacketPath.Forward));

        Assert.DoesNotContain(result.Regions, r => r.Verdict == ReachVerdict.Maybe);
        var accepted = Assert.Single(result.Regions, r => r.Verdict == ReachVerdict.Accept);
        Assert.Equal(["filter/FORWARD#2"], accepted.Rules.Select(r => $"{r.Table}/{r.Chain}#{r.Number}"));
    }

    private static string Dump4(string condition) => $"*filter\n:FORWARD DROP [0:0]\n-A FORWARD {condition} -j ACCEPT\nCOMMIT";

    private static string Traced(string dump, Packet packet, IpFamily family)
    {
        var result = PacketTracer.Trace(Dump.Read(dump, family), packet, PacketPath.Forward);
        return result.Certain ? result.Verdict!.Value.ToString().ToUpperInvariant() : "MAYBE";
    }

    // The verdict reach gives every packet of the family, or MAYBE when any region is uncertain.
    private static string Reached(string dump, IpFamily family)
    {
        var result = SymbolicEngine.Reach(SymbolicRuleset.Compile(Dump.Read(dump, family)), new ReachQuery(PacketPath.Forward));
        if (result.Regions.Any(r => r.Verdict == ReachVerdict.Maybe)) return "MAYBE";
        var verdicts = result.Regions.Select(r => r.Verdict).Distinct().ToList();
        return verdicts.Count == 1 ? verdicts[0].ToString().ToUpperInvariant() : string.Join("|", verdicts);
    }
}
