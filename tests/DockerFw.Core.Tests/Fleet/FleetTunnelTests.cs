using DockerFw.Core.Fleet;
using static DockerFw.Core.Tests.Fleet.FleetFixture;

namespace DockerFw.Core.Tests.Fleet;

/// <summary>
/// The GRE setup: the same two hosts joined by a gre tunnel (gre1, MTU 1476) between their underlay
/// addresses, each routing the other's subnet into it. The outer packets (IP protocol 47) are judged
/// through the sender's OUTPUT and the receiver's INPUT; the containers' veths keep MTU 1500.
/// </summary>
public sealed class FleetTunnelTests
{
    [Fact]
    public void The_tunnel_carries_both_ways_and_the_outer_packets_are_judged_on_both_hosts()
    {
        var report = Run("gre");

        var cell = Cell(report, "a");
        Assert.Equal(WayKind.Tunnel, cell.Spec.Way.Kind);
        Assert.Equal("gre 192.168.77.1 -> 192.168.77.2", cell.Spec.Way.Outer!.Display);
        Assert.Equal("gre1", cell.Spec.Way.PeerInDevice);
        Assert.Equal(CellOutcome.Reachable, cell.Outcome);
        Assert.Equal(["a SenderForward", "a SenderOutput", "b ReceiverInput", "b ReceiverForward"],
            cell.Parts.Single().Decisions.Select(d => $"{d.Host} {d.Stage}"));
        Assert.Equal("the policy ACCEPT of filter/INPUT", cell.Parts.Single().Decisions[2].Rule);
    }

    [Fact]
    public void Containers_with_mtu_1500_over_a_gre_tunnel_of_1476_are_a_finding_for_each_way()
    {
        var report = Run("gre");

        Assert.Equal(["DFW775", "DFW775"], Codes(report));
        Assert.Contains("up to 1500 bytes but the way to b/bridge (10.103.200.0/24) carries 1476", report.Findings[0].Message);
        Assert.Contains("--mtu=1476", report.Findings[0].Message);
    }

    [Fact]
    public void Gre_dropped_in_b_input_blocks_every_inner_packet_both_ways_with_b_input_rule_named()
    {
        var report = Run("gre", With("b", "filter", "-A INPUT -p gre -j DROP"));

        var cell = Cell(report, "a");
        Assert.Equal(CellOutcome.Blocked, cell.Outcome);
        var part = cell.Parts.Single();
        Assert.Equal("b", part.Decisions[^1].Host);
        Assert.Equal(LegStage.ReceiverInput, part.Decisions[^1].Stage);
        Assert.Equal("filter/INPUT#1 (line 37): -A INPUT -p gre -j DROP", part.Decisions[^1].Rule);
        Assert.Contains("DFW774", Codes(report));
        // b's own GRE goes out, but a's replies come back as GRE into b's INPUT: no connection b to a either.
        var back = Cell(report, "b");
        Assert.Equal(CellOutcome.Blocked, back.Outcome);
        Assert.Equal(("b", LegStage.SenderReplyInput, "filter/INPUT#1 (line 37): -A INPUT -p gre -j DROP"),
            (back.Parts.Single().Decisions[^1].Host, back.Parts.Single().Decisions[^1].Stage, back.Parts.Single().Decisions[^1].Rule));
        Assert.Contains(report.Findings, f => f.Code.Code == "DFW774" && f.Message.StartsWith("b/", StringComparison.Ordinal)
            && f.Message.Contains("b drops the replies' tunnel packets (gre ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_tunnel_whose_far_end_is_no_fleet_host_is_uncertain()
    {
        var report = Run("gre", Replace("a", "ip-link.json", "\"remote\": \"192.168.77.2\"", "\"remote\": \"192.168.77.9\""));

        Assert.Equal(WayKind.Elsewhere, Cell(report, "a").Spec.Way.Kind);
        Assert.Equal(CellOutcome.Uncertain, Cell(report, "a").Outcome);
    }
}
