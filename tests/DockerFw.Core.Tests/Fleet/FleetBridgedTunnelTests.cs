using DockerFw.Core.Fleet;
using static DockerFw.Core.Tests.Fleet.FleetFixture;

namespace DockerFw.Core.Tests.Fleet;

/// <summary>
/// The GRE setup turned layer 2: each host's tunnel a gretap that is a port of its docker0, both
/// docker0 on 10.103.0.0/16 (one segment; each host's containers from its own /24). A packet to the
/// peer's container is bridged (br_netfilter's FORWARD from docker0 to itself on each host, where
/// Docker's icc rule takes it), carried by the tunnel's outer GRE packets; the shared subnet is the
/// point, not an overlap. The lab's <c>BridgedVxlanFleetLabTests</c> checks the same with a VXLAN and traffic.
/// </summary>
public sealed class FleetBridgedTunnelTests
{
    internal static Tamper[] Bridged(params Tamper[] more) =>
    [
        .. new[] { "a", "b" }.SelectMany(h => new[]
        {
            Replace(h, "ip-link.json", "\"ifname\": \"gre1\",", "\"ifname\": \"gre1\",\n  \"master\": \"docker0\","),
            Replace(h, "ip-link.json", "\"info_kind\": \"gre\",", "\"info_kind\": \"gretap\","),
            Replace(h, "ip-route-v4.json", "\"dev\": \"gre1\",\n  \"scope\": \"link\"", "\"dev\": \"docker0\",\n  \"scope\": \"link\""),
        }),
        Replace("a", "ip-route-v4.json", "\"dst\": \"10.103.100.0/24\",\n  \"dev\": \"docker0\",\n  \"protocol\"", "\"dst\": \"10.103.0.0/16\",\n  \"dev\": \"docker0\",\n  \"protocol\""),
        Replace("b", "ip-route-v4.json", "\"dst\": \"10.103.200.0/24\",\n  \"dev\": \"docker0\",\n  \"protocol\"", "\"dst\": \"10.103.0.0/16\",\n  \"dev\": \"docker0\",\n  \"protocol\""),
        Replace("a", "docker.json", "\"Subnet\": \"10.103.100.0/24\"", "\"Subnet\": \"10.103.0.0/16\""),
        Replace("b", "docker.json", "\"Subnet\": \"10.103.200.0/24\"", "\"Subnet\": \"10.103.0.0/16\""),
        .. more,
    ];

    [Fact]
    public void Bridged_docker0s_reach_each_other_through_the_tunnel_port_and_share_their_subnet_without_an_overlap()
    {
        var report = Run("gre", Bridged());

        var cell = Cell(report, "a");
        Assert.Equal(WayKind.Bridged, cell.Spec.Way.Kind);
        Assert.Equal(("docker0", "docker0", "gre1"), (cell.Spec.Way.OutDevice, cell.Spec.Way.PeerInDevice, cell.Spec.Way.PeerTunnel?.Name));
        Assert.Equal("gre 192.168.77.1 -> 192.168.77.2", cell.Spec.Way.Outer!.Display);
        Assert.Equal(CellOutcome.Reachable, cell.Outcome);
        Assert.False(cell.Masqueraded);
        Assert.Equal(["a SenderForward", "a SenderOutput", "b ReceiverInput", "b ReceiverForward"],
            cell.Parts.Single().Decisions.Select(d => $"{d.Host} {d.Stage}"));
        Assert.EndsWith(": -A FORWARD -i docker0 -o docker0 -j ACCEPT", cell.Parts.Single().Decisions[^1].Rule, StringComparison.Ordinal);
        Assert.DoesNotContain("DFW770", Codes(report));
    }

    [Fact]
    public void Gre_dropped_in_b_input_blocks_the_bridged_frames_with_b_input_rule_named()
    {
        var report = Run("gre", Bridged(With("b", "filter", "-A INPUT -p gre -j DROP")));

        var cell = Cell(report, "a");
        Assert.Equal(CellOutcome.Blocked, cell.Outcome);
        Assert.Equal(("b", LegStage.ReceiverInput), (cell.Parts.Single().Decisions[^1].Host, cell.Parts.Single().Decisions[^1].Stage));
        Assert.Contains("DFW774", Codes(report));
        // a's replies to b are bridged back as GRE into b's INPUT too.
        Assert.Equal(CellOutcome.Blocked, Cell(report, "b").Outcome);
        Assert.Equal(("b", LegStage.SenderReplyInput), (Cell(report, "b").Parts.Single().Decisions[^1].Host, Cell(report, "b").Parts.Single().Decisions[^1].Stage));
    }

    [Fact]
    public void Without_the_peers_port_back_the_bridged_way_names_the_missing_port_and_stays_uncertain()
    {
        var report = Run("gre", Bridged(Replace("b", "ip-link.json", "\"master\": \"docker0\",", "")));

        var cell = Cell(report, "a");
        Assert.Equal(WayKind.Bridged, cell.Spec.Way.Kind);
        Assert.Equal(CellOutcome.Uncertain, cell.Outcome);
        Assert.Contains("no bridge of b holding it has a tunnel back to a as a port", cell.Spec.Way.Reason, StringComparison.Ordinal);
    }

    // Each host's part of the shared subnet as dockerd --fixed-cidr gives it: the IPRange Docker reports for docker0.
    internal static Tamper[] FixedCidrs =>
    [
        Replace("a", "docker.json", "\"Subnet\": \"10.103.0.0/16\"", "\"Subnet\": \"10.103.0.0/16\",\n     \"IPRange\": \"10.103.100.0/24\""),
        Replace("b", "docker.json", "\"Subnet\": \"10.103.0.0/16\"", "\"Subnet\": \"10.103.0.0/16\",\n     \"IPRange\": \"10.103.200.0/24\""),
    ];

    [Fact]
    public void A_bridged_network_cell_holds_each_hosts_fixed_cidr_not_the_whole_shared_subnet()
    {
        var report = Run("gre", Bridged(FixedCidrs));

        var cell = Cell(report, "a");
        Assert.Equal(("a/bridge (10.103.100.0/24 of 10.103.0.0/16)", "b/bridge (10.103.200.0/24 of 10.103.0.0/16)"), (cell.Spec.From, cell.Spec.To));
        // The pool but its gateway (10.103.100.1 is docker0's --bip).
        Assert.Equal("10.103.100.0, 10.103.100.2-10.103.100.255", Text(cell.Spec.Sources));
        Assert.Equal("10.103.200.0, 10.103.200.2-10.103.200.255", Text(cell.Spec.Destinations));
        Assert.Equal(CellOutcome.Reachable, cell.Outcome);
    }

    [Fact]
    public void B_dropping_as_pool_on_its_bridge_blocks_a_to_b_and_the_replies_of_b_to_a()
    {
        var report = Run("gre", Bridged([.. FixedCidrs, Replace("b", "iptables-save.txt", "-A DOCKER-USER -j RETURN", "-A DOCKER-USER -s 10.103.100.0/24 -i docker0 -o docker0 -j DROP\n-A DOCKER-USER -j RETURN")]));

        Assert.Equal(CellOutcome.Blocked, Cell(report, "a").Outcome);
        // b's own cell holds b's pool, so its requests pass; a's replies, from a's pool, do not.
        var back = Cell(report, "b");
        Assert.Equal(CellOutcome.Blocked, back.Outcome);
        Assert.Equal(("b", LegStage.SenderReply), (back.Parts.Single().Decisions[^1].Host, back.Parts.Single().Decisions[^1].Stage));
        // Two DFW773 (the fixture's gre1 of MTU 1476 below the containers' 1500 is DFW775 besides).
        var blocked = report.Findings.Where(f => f.Code == FleetCodes.CrossHostBlocked).ToList();
        Assert.Equal(2, blocked.Count);
        Assert.StartsWith("a/bridge (10.103.100.0/24 of 10.103.0.0/16) -> b/bridge", blocked[0].Message, StringComparison.Ordinal);
        Assert.Contains("-s 10.103.100.0/24 -d 10.103.200.0/24 -j ACCEPT", blocked[0].Message, StringComparison.Ordinal);
        Assert.StartsWith("b/bridge (10.103.200.0/24 of 10.103.0.0/16) -> a/bridge", blocked[1].Message, StringComparison.Ordinal);
        Assert.Contains("b drops the replies of every protocol, so no connection is made", blocked[1].Message, StringComparison.Ordinal);
        Assert.Contains("-i docker0 -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT", blocked[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_an_iprange_a_bridged_network_cell_holds_its_hosts_containers()
    {
        var report = Run("gre", Bridged());

        var cell = Cell(report, "a");
        Assert.Equal(("a/bridge (10.103.0.0/16)", "10.103.100.2", "10.103.200.2"), (cell.Spec.From, Text(cell.Spec.Sources), Text(cell.Spec.Destinations)));
    }

    private static string Text(DockerFw.Core.Semantics.Symbolic.IntervalSet set) =>
        string.Join(", ", set.Ranges.Select(r => r.First == r.Last ? Ip(r.First) : $"{Ip(r.First)}-{Ip(r.Last)}"));

    private static string Ip(UInt128 a) => DockerFw.Core.Model.Values.IpAddressValue.Format(a, DockerFw.Core.Model.Values.IpFamily.V4);
}
