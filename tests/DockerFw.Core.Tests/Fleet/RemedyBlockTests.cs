using System.Text.RegularExpressions;
using DockerFw.Core.Audit;
using DockerFw.Core.Fleet;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;
using static DockerFw.Core.Tests.Fleet.FleetFixture;

namespace DockerFw.Core.Tests.Fleet;

/// <summary>
/// A fleet remedy's rule names the networks' subnets (<see cref="FleetNetwork.Block"/>), one rule per
/// pair of networks, not the containers running now: where a bridge is one segment with the peer's (a
/// layer-2 tunnel port, gt0 here) and has no IPRange, a cell's sources are its containers alone, and the
/// remedy named them (<c>-s 10.103.100.2/32 -d 10.103.200.2/32</c>), which misses a container started
/// later. Each remedy is proven as a user meets it: pasted into the host's rules as written (<c>-I</c>:
/// the chain's first rule) and the fleet judged again, the cell's packets are what the finding asked for.
/// </summary>
public sealed partial class RemedyBlockTests
{
    private const string BridgeNf = "net.bridge.bridge-nf-call-iptables";
    private const string LetAIn = "-A DOCKER-USER -s 10.103.100.0/24 -i under0 -o docker0 -j ACCEPT";

    // a masquerades its containers toward b; b lets any source in from the underlay; a's conntrack sees the replies gt0 brings back.
    private static readonly Tamper[] Masquerading = FleetAsymmetricReplyTests.Asymmetric(
        Without("a", "-A POSTROUTING -s 10.103.100.0/24 -d 10.103.200.0/24 -j RETURN"),
        Replace("b", "iptables-save.txt", LetAIn, "-A DOCKER-USER -i under0 -o docker0 -j ACCEPT"),
        Sysctl("a", BridgeNf, "1"));

    // b's FORWARD policy DROP turns a's containers away.
    private static readonly Tamper[] TurnedAway = FleetAsymmetricReplyTests.Asymmetric(Without("b", LetAIn), Sysctl("a", BridgeNf, "1"));

    [Fact]
    public void The_cells_sources_are_as_containers_alone_where_its_bridge_is_one_segment_with_bs()
    {
        var cell = Cell(Run("routed", Masquerading), "a");

        Assert.Equal(("10.103.100.2", "10.103.100.2"), (IpAddressValue.Format(cell.Spec.Sources.Min, IpFamily.V4), IpAddressValue.Format(cell.Spec.Sources.Ranges.Last().Last, IpFamily.V4)));
        Assert.Equal(("10.103.100.0/24", "10.103.200.0/24"), (cell.Spec.SourceBlock.ToString(), cell.Spec.DestinationBlock.ToString()));
    }

    [Fact]
    public void The_masquerade_exception_names_both_subnets_and_pasted_unmasquerades_every_packet_of_the_cell()
    {
        var before = Run("routed", Masquerading);
        var remedy = Pasted(Finding(before, FleetCodes.CrossHostMasqueraded));

        Assert.Equal("iptables -t nat -I POSTROUTING -s 10.103.100.0/24 -d 10.103.200.0/24 -j RETURN", remedy);
        var masqueraded = Cell(before, "a");
        var after = Run("routed", [.. Masquerading, Applied("a", remedy)]);
        var remedied = Cell(after, "a");
        Assert.True(masqueraded.Masqueraded);
        Assert.Equal(CellOutcome.Reachable, remedied.Outcome);
        Assert.False(remedied.Masqueraded);
        Assert.True(Packets(remedied).SameAs(Packets(masqueraded)));
        Assert.DoesNotContain(after.Findings, f => f.Code == FleetCodes.CrossHostMasqueraded);
    }

    [Fact]
    public void The_forward_accept_names_both_subnets_and_pasted_lets_every_packet_of_the_cell_through()
    {
        var before = Run("routed", TurnedAway);
        var remedy = Pasted(Finding(before, FleetCodes.CrossHostBlocked));

        Assert.Equal("iptables -I DOCKER-USER -i under0 -o docker0 -s 10.103.100.0/24 -d 10.103.200.0/24 -j ACCEPT", remedy);
        Assert.Equal(CellOutcome.Blocked, Cell(before, "a").Outcome);
        var after = Run("routed", [.. TurnedAway, Applied("b", remedy)]);
        var remedied = Cell(after, "a");
        Assert.Equal(CellOutcome.Reachable, remedied.Outcome);
        Assert.True(Packets(remedied).SameAs(remedied.Spec.Universe));
        Assert.DoesNotContain(after.Findings, f => f.Code == FleetCodes.CrossHostBlocked && f.Message.StartsWith("a/", StringComparison.Ordinal));
    }

    [Fact]
    public void Where_the_drop_is_iptables_legacys_the_accept_goes_there_and_pasted_lets_every_packet_of_the_cell_through()
    {
        // b's Docker (iptables-nft) lets a in; a leftover in the legacy back end drops it (oracle F65).
        Tamper[] legacyDrop = [.. FleetAsymmetricReplyTests.Asymmetric(Sysctl("a", BridgeNf, "1")),
            new("b", "iptables-legacy-save.txt", _ => "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A FORWARD -s 10.103.100.0/24 -j DROP\nCOMMIT\n")];
        var before = Run("routed", legacyDrop);
        var remedy = Pasted(Finding(before, FleetCodes.CrossHostBlocked));

        Assert.Equal("iptables-legacy -I FORWARD -i under0 -o docker0 -s 10.103.100.0/24 -d 10.103.200.0/24 -j ACCEPT", remedy);
        Assert.Equal(CellOutcome.Blocked, Cell(before, "a").Outcome);
        var after = Run("routed", [.. legacyDrop, Applied("b", remedy)]);
        Assert.Equal(CellOutcome.Reachable, Cell(after, "a").Outcome);
        // The same ACCEPT given to the default back end (what the remedy said before) leaves the cell blocked.
        var elsewhere = Run("routed", [.. legacyDrop, Applied("b", remedy.Replace("iptables-legacy -I FORWARD", "iptables -I DOCKER-USER", StringComparison.Ordinal))]);
        Assert.Equal(CellOutcome.Blocked, Cell(elsewhere, "a").Outcome);
    }

    private static string Finding(FleetReport report, FindingCode code) =>
        Assert.Single(report.Findings, f => f.Code == code && f.Message.StartsWith("a/", StringComparison.Ordinal)).Message;

    private static PacketSet Packets(FleetCell cell) => new([.. cell.Parts.SelectMany(p => p.Packets.Boxes)]);

    // The command a finding gives after "e.g.", as a user copies it.
    private static string Pasted(string message)
    {
        var match = Command().Match(message);
        Assert.True(match.Success, message);
        return match.Groups[1].Value;
    }

    [GeneratedRegex(@"e\.g\. (iptables(?:-legacy)? [^;]*? -j (?:RETURN|ACCEPT))")]
    private static partial Regex Command();

    // `iptables [-t TABLE] -I CHAIN RULE` run on a host: RULE first in CHAIN of TABLE (filter by default).
    private static Tamper Applied(string host, string command) => new(host, command.StartsWith("iptables-legacy ", StringComparison.Ordinal) ? "iptables-legacy-save.txt" : "iptables-save.txt", text =>
    {
        var words = command.Split(' ').ToList();
        var table = words[1] == "-t" ? words[2] : "filter";
        var at = words.IndexOf("-I");
        var (chain, rule) = (words[at + 1], string.Join(' ', words.Skip(at + 2)));
        var start = text.IndexOf($"*{table}\n", StringComparison.Ordinal);
        var commit = text.IndexOf("COMMIT\n", start, StringComparison.Ordinal);
        var first = text.IndexOf($"-A {chain} ", start, StringComparison.Ordinal);
        return text.Insert(first >= 0 && first < commit ? first : commit, $"-A {chain} {rule}\n");
    });
}
