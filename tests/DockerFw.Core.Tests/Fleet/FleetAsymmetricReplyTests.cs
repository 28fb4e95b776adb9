using DockerFw.Core.Fleet;
using DockerFw.Core.Semantics.Symbolic;
using static DockerFw.Core.Tests.Fleet.FleetFixture;

namespace DockerFw.Core.Tests.Fleet;

/// <summary>
/// Oracle F46 across hosts: a connection whose replies come back a way the host that routed its
/// requests does not route (<see cref="ReplySight"/>). The routed setup, plus a gretap (gt0) between
/// the two docker0 as a port of each, and b routing a's subnet onto its docker0 (into the port)
/// instead of via a's underlay address: a routes its containers' requests to b over under0, b routes
/// their replies onto docker0, and the frames cross gt0 into a's docker0, switched to the container
/// past a's IP layer. a's conntrack sees them only with br_netfilter; without it a's entries stay
/// unreplied, so the requests' later packets are INVALID (TCP) or NEW there, and a
/// <c>--ctstate INVALID -j DROP</c> in a's FORWARD lets every SYN through and no TCP connection.
/// </summary>
public sealed class FleetAsymmetricReplyTests
{
    private const string InvalidDrop = "-A FORWARD -m conntrack --ctstate INVALID -j DROP";
    private const string BridgeNf = "net.bridge.bridge-nf-call-iptables";

    private static readonly IntervalSet Tcp = IntervalSet.Single(6), Udp = IntervalSet.Single(17), Sctp = IntervalSet.Single(132);

    // gt0 on each host: a gretap to the other's underlay address, a port of its docker0.
    private static Tamper Gretap(string host, string local, string remote) => new(host, "ip-link.json", text =>
        text.TrimEnd()[..^1].TrimEnd() + $$"""
            ,
             {
              "ifindex": 9,
              "ifname": "gt0",
              "mtu": 1462,
              "master": "docker0",
              "link_type": "ether",
              "linkinfo": {
               "info_kind": "gretap",
               "info_data": { "remote": "{{remote}}", "local": "{{local}}" },
               "info_slave_kind": "bridge"
              }
             }
            ]
            """);

    /// <summary>b's replies to a's containers go back onto its docker0 and through gt0; a's requests still go over under0.</summary>
    internal static Tamper[] Asymmetric(params Tamper[] more) =>
    [
        Gretap("a", "192.168.77.1", "192.168.77.2"),
        Gretap("b", "192.168.77.2", "192.168.77.1"),
        Replace("b", "ip-route-v4.json", "\"dst\": \"10.103.100.0/24\",\n  \"gateway\": \"192.168.77.1\",\n  \"dev\": \"under0\"", "\"dst\": \"10.103.100.0/24\",\n  \"dev\": \"docker0\",\n  \"scope\": \"link\""),
        // a's kernel has conntrack's own SCTP tracker and not DCCP's (a 6.18 kernel's).
        Sysctl("a", "net.netfilter.nf_conntrack_tcp_timeout_established", "432000"),
        Sysctl("a", "net.netfilter.nf_conntrack_sctp_timeout_established", "210"),
        .. more,
    ];

    private static Tamper DropInvalidOnA => Replace("a", "iptables-save.txt", "-A FORWARD -j DOCKER-USER", InvalidDrop + "\n-A FORWARD -j DOCKER-USER");

    private static PacketSet Of(CellPart part, IntervalSet protocols) =>
        new([.. part.Packets.Boxes.Select(b => b.With(Dimension.Proto, b[Dimension.Proto].Intersect(protocols))).Where(b => !b.IsEmpty)]);

    [Fact]
    public void Replies_switched_back_past_the_senders_conntrack_make_its_invalid_drop_kill_tcp_while_udp_connects()
    {
        var report = Run("routed", Asymmetric(DropInvalidOnA, Sysctl("a", BridgeNf, "0")));

        var cell = Cell(report, "a");
        Assert.Equal((WayKind.Routed, WayKind.Bridged), (cell.Spec.Way.Kind, cell.Spec.ReplyWay.Kind));
        Assert.Equal(CellOutcome.Partial, cell.Outcome);
        var blocked = Assert.Single(cell.Parts, p => p.Outcome == CellOutcome.Blocked);
        // TCP's later packets are INVALID (a SYN_SENT entry), SCTP's too (its own tracker); nothing else dies.
        Assert.True(blocked.Packets.SameAs(new PacketSet([.. cell.Spec.Universe.Boxes.Select(b => b.With(Dimension.Proto, b[Dimension.Proto].Intersect(Tcp.Union(Sctp)))).Where(b => !b.IsEmpty)])));
        Assert.Equal(("a", LegStage.SenderLater), (blocked.Decisions[^1].Host, blocked.Decisions[^1].Stage));
        Assert.EndsWith(InvalidDrop, blocked.Decisions[^1].Rule, StringComparison.Ordinal);
        Assert.Contains("b sends the replies back bridged into a's docker0 ('10.103.100.0/24 dev docker0 table main' onto b's bridge docker0, whose port gt0 reaches it), past a's conntrack (bridge-nf-call-iptables is 0 on a)", blocked.Reason, StringComparison.Ordinal);
        // UDP (and DCCP, which a's kernel tracks generically) stays NEW on a: a connection.
        var reachable = Assert.Single(cell.Parts, p => p.Outcome == CellOutcome.Reachable);
        Assert.False(Of(reachable, Udp).IsEmpty);
        Assert.True(Of(reachable, Tcp).IsEmpty);
        var finding = Assert.Single(report.Findings, f => f.Code == FleetCodes.CrossHostBlocked && f.Message.StartsWith("a/", StringComparison.Ordinal));
        Assert.Contains("let a's conntrack see the replies (sysctl net.bridge.bridge-nf-call-iptables=1 on a)", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ESTABLISHED", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_br_netfilter_on_the_senders_conntrack_sees_the_switched_replies_and_every_protocol_connects()
    {
        var report = Run("routed", Asymmetric(DropInvalidOnA, Sysctl("a", BridgeNf, "1")));

        Assert.Equal(CellOutcome.Reachable, Cell(report, "a").Outcome);
        Assert.DoesNotContain("DFW773", Codes(report));
    }

    [Fact]
    public void A_drop_of_the_replies_in_the_senders_bridge_is_met_only_with_br_netfilter()
    {
        var dropReplies = Replace("a", "iptables-save.txt", "-A DOCKER-USER -j RETURN", "-A DOCKER-USER -s 10.103.200.0/24 -i docker0 -o docker0 -j DROP\n-A DOCKER-USER -j RETURN");

        var filtered = Cell(Run("routed", Asymmetric(dropReplies, Sysctl("a", BridgeNf, "1"))), "a");
        var unfiltered = Cell(Run("routed", Asymmetric(dropReplies, Sysctl("a", BridgeNf, "0"))), "a");

        Assert.Equal(CellOutcome.Blocked, filtered.Outcome);
        Assert.Equal(("a", LegStage.SenderReply), (filtered.Parts.Single().Decisions[^1].Host, filtered.Parts.Single().Decisions[^1].Stage));
        // Switched past a's iptables, the replies meet no rule of a's.
        Assert.Equal(CellOutcome.Reachable, unfiltered.Outcome);
    }

    [Fact]
    public void Where_br_netfilter_is_not_recorded_tcp_is_undecided_and_says_why()
    {
        var report = Run("routed", Asymmetric(DropInvalidOnA));

        var cell = Cell(report, "a");
        Assert.Equal(CellOutcome.Uncertain, cell.Outcome);
        var undecided = Assert.Single(cell.Parts, p => p.Outcome == CellOutcome.Uncertain);
        Assert.False(Of(undecided, Tcp).IsEmpty);
        Assert.True(Of(undecided, Udp).IsEmpty);
        Assert.Contains("whether a's conntrack sees them is not known (a's bundle does not record bridge-nf-call-iptables)", undecided.Reason, StringComparison.Ordinal);
        Assert.Contains($"if not, {undecided.Decisions[^1].Rule} drops them", undecided.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(cell.Parts, p => p.Outcome == CellOutcome.Blocked);
    }

    [Fact]
    public void The_same_hosts_with_symmetric_routes_keep_every_connection_whatever_br_netfilter()
    {
        var report = Run("routed", DropInvalidOnA, Sysctl("a", BridgeNf, "0"));

        Assert.All(report.Networks.Concat(report.Containers), c => Assert.Equal(CellOutcome.Reachable, c.Outcome));
        Assert.Empty(Codes(report));
    }

    [Fact]
    public void Without_an_invalid_drop_the_unreplied_later_packets_pass_and_the_cell_stays_reachable()
    {
        var report = Run("routed", Asymmetric(Sysctl("a", BridgeNf, "0")));

        Assert.Equal(CellOutcome.Reachable, Cell(report, "a").Outcome);
    }

    [Fact]
    public void Requests_switched_into_the_receivers_bridge_whose_replies_it_routes_are_undecided_not_judged()
    {
        // b -> a: b routes onto its docker0, the frames cross gt0 into a's docker0 past a's conntrack,
        // and a routes the replies over under0: a's conntrack sees the replies alone.
        var report = Run("routed", Asymmetric(Sysctl("a", BridgeNf, "0")));

        var cell = Cell(report, "b");
        Assert.Equal((WayKind.Bridged, WayKind.Routed), (cell.Spec.Way.Kind, cell.Spec.ReplyWay.Kind));
        Assert.Equal(CellOutcome.Uncertain, cell.Outcome);
        Assert.Contains("a's conntrack sees the replies, routed back by '10.103.200.0/24 via 192.168.77.2 dev under0 table main', but not the requests, switched into its docker0 from the tunnel port gt0 (bridge-nf-call-iptables is 0 on a)",
            cell.Parts.Single().Reason, StringComparison.Ordinal);

        // With br_netfilter on a, a's conntrack sees both: judged as any connection.
        Assert.Equal(CellOutcome.Reachable, Cell(Run("routed", Asymmetric(Sysctl("a", BridgeNf, "1"))), "b").Outcome);
    }

    // A third host, c: host a's bundle with c's underlay address (192.168.77.3) and docker0 (10.103.150.0/24).
    private static FleetHost C() => FleetFixture.Host("routed", "a", [.. new[] { "iptables-save.txt", "ip-route-v4.json", "docker.json" }
        .Select(f => new Tamper("a", f, t => t.Replace("192.168.77.1", "192.168.77.3", StringComparison.Ordinal).Replace("10.103.100.", "10.103.150.", StringComparison.Ordinal)))]) with { Name = "c" };

    [Fact]
    public void Replies_routed_back_through_a_third_host_are_undecided_and_name_it()
    {
        // b routes its replies to a's containers to c, another host of the fleet, not straight to a.
        var toC = Replace("b", "ip-route-v4.json", "\"dst\": \"10.103.100.0/24\",\n  \"gateway\": \"192.168.77.1\"", "\"dst\": \"10.103.100.0/24\",\n  \"gateway\": \"192.168.77.3\"");
        var report = FleetAuditor.Run([() => FleetFixture.Host("routed", "a"), () => FleetFixture.Host("routed", "b", toC), C]);

        var cell = report.Networks.Single(c => c.Spec.Sender.Name == "a" && c.Spec.Receiver.Name == "b");
        Assert.Equal((WayKind.Routed, WayKind.Elsewhere, "c"), (cell.Spec.Way.Kind, cell.Spec.ReplyWay.Kind, cell.Spec.ReplyWay.Via));
        Assert.Equal(CellOutcome.Uncertain, cell.Outcome);
        Assert.Equal("the replies go back through c, not straight to a: b sends 10.103.100.2 to 192.168.77.3 by '10.103.100.0/24 via 192.168.77.3 dev under0 table main', an address of c, not of a: "
            + "fleet judges a connection on its two hosts' ways only, not through c (whose routes, rules and conntrack, which may see one direction alone, would decide it too)", cell.Parts.Single().Reason);
        Assert.Contains(report.Findings, f => f.Code == FleetCodes.CrossHostUndecided && f.Message.Contains("back through c", StringComparison.Ordinal));
    }
}
