using DockerFw.Core.Fleet;
using DockerFw.Core.Semantics.Symbolic;
using static DockerFw.Core.Tests.Fleet.FleetFixture;

namespace DockerFw.Core.Tests.Fleet;

/// <summary>
/// A connection across hosts is made only when its replies come back through both hosts' rules
/// (<see cref="ReplyLegs"/>): each request packet is judged by the fate of its own replies, on the
/// receiver's way out of its bridge, a tunnel's outer packets back, and the sender's way in to its
/// container; and the requests' later packets follow the opening one through both hosts' FORWARD.
/// The kernel's side of these answers is <c>FleetReplyKernelTests</c>.
/// </summary>
public sealed class FleetReplyTests
{
    private const string LetAIn = "-A DOCKER-USER -s 10.103.100.0/24 -i under0 -o docker0 -j ACCEPT";
    private const string Exception = "-A POSTROUTING -s 10.103.100.0/24 -d 10.103.200.0/24 -j RETURN";

    private static Tamper First(string host, string first, string rule) => Replace(host, "iptables-save.txt", first, rule + "\n" + first);

    [Fact]
    public void With_dockers_own_rules_the_replies_pass_both_hosts()
    {
        var report = Run("routed");

        Assert.All(report.Networks.Concat(report.Containers), c => Assert.Equal(CellOutcome.Reachable, c.Outcome));
        Assert.Empty(Codes(report));
    }

    [Fact]
    public void A_receiver_dropping_the_replies_of_one_port_blocks_the_connections_to_that_port_only()
    {
        var report = Run("routed", First("b", LetAIn, "-A DOCKER-USER -s 10.103.200.0/24 -i docker0 -o under0 -p tcp -m tcp --sport 80 -j DROP"));

        var cell = Cell(report, "a");
        Assert.Equal(CellOutcome.Partial, cell.Outcome);
        var blocked = Assert.Single(cell.Parts, p => p.Outcome == CellOutcome.Blocked);
        Assert.All(blocked.Packets.Boxes, b => Assert.Equal((IntervalSet.Single(6), IntervalSet.Single(80)), (b[Dimension.Proto], b[Dimension.Dport])));
        Assert.Equal(("b", LegStage.ReceiverReply), (blocked.Decisions[^1].Host, blocked.Decisions[^1].Stage));
        Assert.EndsWith("-A DOCKER-USER -s 10.103.200.0/24 -i docker0 -o under0 -p tcp -m tcp --sport 80 -j DROP", blocked.Decisions[^1].Rule, StringComparison.Ordinal);
        // Every other packet of the cell, tcp to other ports among them, opens a connection.
        Assert.True(cell.Spec.Universe.Subtract(blocked.Packets).SameAs(Assert.Single(cell.Parts, p => p.Outcome == CellOutcome.Reachable).Packets));
        var finding = Assert.Single(report.Findings, f => f.Code == FleetCodes.CrossHostBlocked && f.Message.StartsWith("a/", StringComparison.Ordinal));
        Assert.Contains("b drops the replies of tcp", finding.Message, StringComparison.Ordinal);
        Assert.Contains("iptables -I DOCKER-USER -i docker0 -o under0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_replies_to_a_masqueraded_source_are_judged_as_they_go_to_the_senders_address()
    {
        // a masquerades its containers toward b; b lets everything in from under0 and drops what its
        // containers send to a's own address: the replies of the masqueraded connections.
        var let = Replace("b", "iptables-save.txt", LetAIn, "-A DOCKER-USER -i under0 -o docker0 -j ACCEPT");
        var report = Run("routed", Without("a", Exception), let, First("b", "-A DOCKER-USER -i under0 -o docker0 -j ACCEPT", "-A DOCKER-USER -d 192.168.77.1/32 -i docker0 -j DROP"));
        var unmasqueraded = Run("routed", let, First("b", "-A DOCKER-USER -i under0 -o docker0 -j ACCEPT", "-A DOCKER-USER -d 192.168.77.1/32 -i docker0 -j DROP"));

        var part = Assert.Single(Cell(report, "a").Parts);
        Assert.Equal(CellOutcome.Blocked, part.Outcome);
        Assert.NotNull(part.Nat);
        Assert.Equal(("b", LegStage.ReceiverReply), (part.Decisions[^1].Host, part.Decisions[^1].Stage));
        // Unmasqueraded, the replies go to the containers, which the rule does not name.
        Assert.Equal(CellOutcome.Reachable, Cell(unmasqueraded, "a").Outcome);
    }

    // a masquerades its containers toward b (no nat exception), and b lets in whatever comes from under0.
    private static FleetReport Masqueraded(params Tamper[] tampers) => Run("routed",
        [Without("a", Exception), Replace("b", "iptables-save.txt", LetAIn, "-A DOCKER-USER -i under0 -o docker0 -j ACCEPT"), .. tampers]);

    private const string AFirst = "-A DOCKER-USER -s 10.103.200.0/24 -i under0 -o docker0 -j ACCEPT";

    [Fact]
    public void A_senders_snat_state_drop_of_the_replies_blocks_its_masqueraded_connections()
    {
        // a's MASQUERADE marks the connection SNAT on a (conntrack's virtual state, oracle F45): the
        // replies, de-NATed back to the container, are ESTABLISHED,SNAT in a's FORWARD and die there.
        var report = Masqueraded(First("a", AFirst, "-A DOCKER-USER -i under0 -o docker0 -m conntrack --ctstate SNAT -j DROP"));

        var part = Assert.Single(Cell(report, "a").Parts);
        Assert.Equal(CellOutcome.Blocked, part.Outcome);
        Assert.NotNull(part.Nat);
        Assert.Equal(("a", LegStage.SenderReply), (part.Decisions[^1].Host, part.Decisions[^1].Stage));
    }

    [Fact]
    public void A_senders_snat_state_drop_of_the_later_packets_blocks_its_masqueraded_connections()
    {
        // The opening is NEW in a's FORWARD (MASQUERADE runs after it); the handshake's ACK and the data are SNAT.
        var report = Masqueraded(First("a", AFirst, "-A DOCKER-USER -i docker0 -o under0 -m conntrack --ctstate SNAT -j DROP"));

        var part = Assert.Single(Cell(report, "a").Parts);
        Assert.Equal(CellOutcome.Blocked, part.Outcome);
        Assert.Equal(("a", LegStage.SenderLater), (part.Decisions[^1].Host, part.Decisions[^1].Stage));
    }

    [Fact]
    public void The_same_drops_spare_the_connections_a_does_not_masquerade()
    {
        var report = Run("routed", First("a", AFirst, "-A DOCKER-USER -i under0 -o docker0 -m conntrack --ctstate SNAT -j DROP"),
            First("a", AFirst, "-A DOCKER-USER -i docker0 -o under0 -m conntrack --ctstate SNAT -j DROP"));

        Assert.Equal(CellOutcome.Reachable, Cell(report, "a").Outcome);
    }

    [Fact]
    public void A_sender_dropping_the_echo_replies_to_its_containers_blocks_their_echo_requests_only()
    {
        var report = Run("routed", First("a", "-A DOCKER-USER -s 10.103.200.0/24 -i under0 -o docker0 -j ACCEPT",
            "-A DOCKER-USER -d 10.103.100.0/24 -i under0 -o docker0 -p icmp -m icmp --icmp-type 0 -j DROP"));

        var cell = Cell(report, "a");
        var blocked = Assert.Single(cell.Parts, p => p.Outcome == CellOutcome.Blocked);
        Assert.Equal(("a", LegStage.SenderReply), (blocked.Decisions[^1].Host, blocked.Decisions[^1].Stage));
        Assert.All(blocked.Packets.Boxes, b => Assert.Equal(IntervalSet.Single(1), b[Dimension.Proto]));
        Assert.Contains(blocked.Packets.Boxes, b => b[Dimension.IcmpType].Contains(8));
        Assert.Contains(cell.Parts, p => p.Outcome == CellOutcome.Reachable && p.Packets.Boxes.Any(b => b[Dimension.Proto].Contains(6)));
    }

    [Fact]
    public void A_sender_dropping_the_timestamp_replies_to_its_containers_blocks_their_timestamp_requests()
    {
        // The replies of a cell's ICMP queries were typed echo reply (0) alone: a drop of timestamp
        // replies (14) left every ICMP request reachable.
        var report = Run("routed", First("a", "-A DOCKER-USER -s 10.103.200.0/24 -i under0 -o docker0 -j ACCEPT",
            "-A DOCKER-USER -d 10.103.100.0/24 -i under0 -o docker0 -p icmp -m icmp --icmp-type 14 -j DROP"));

        var blocked = Assert.Single(Cell(report, "a").Parts, p => p.Outcome == CellOutcome.Blocked);
        Assert.Equal(("a", LegStage.SenderReply), (blocked.Decisions[^1].Host, blocked.Decisions[^1].Stage));
        Assert.All(blocked.Packets.Boxes, b => Assert.Equal(IntervalSet.Single(1), b[Dimension.Proto]));
        Assert.Contains(blocked.Packets.Boxes, b => b[Dimension.IcmpType].Contains(13));
    }

    [Fact]
    public void A_receiver_that_takes_only_the_openings_blocks_every_connection_by_its_later_packets()
    {
        // "NEW ACCEPT, then DROP": the SYN passes b, the handshake's ACK and the data do not.
        var report = Run("routed", Replace("b", "iptables-save.txt", LetAIn,
            "-A DOCKER-USER -s 10.103.100.0/24 -i under0 -o docker0 -m conntrack --ctstate NEW -j ACCEPT\n-A DOCKER-USER -i under0 -o docker0 -j DROP"));

        var part = Assert.Single(Cell(report, "a").Parts);
        Assert.Equal(CellOutcome.Blocked, part.Outcome);
        Assert.Equal(("b", LegStage.ReceiverLater), (part.Decisions[^1].Host, part.Decisions[^1].Stage));
        Assert.EndsWith("-A DOCKER-USER -i under0 -o docker0 -j DROP", part.Decisions[^1].Rule, StringComparison.Ordinal);
        var finding = Assert.Single(report.Findings, f => f.Message.StartsWith("a/", StringComparison.Ordinal));
        Assert.Contains("b lets the connections of every protocol open but drops their later packets (ESTABLISHED), so no connection is made", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gre_whose_established_packets_a_receiver_drops_is_not_called_reachable_either_way()
    {
        // GRE is tracked by its addresses: once the far end has spoken, the packets are ESTABLISHED.
        var report = Run("gre", With("b", "filter", "-A INPUT -p gre -m conntrack --ctstate ESTABLISHED -j DROP"));

        Assert.NotEqual(CellOutcome.Reachable, Cell(report, "a").Outcome);
        Assert.NotEqual(CellOutcome.Reachable, Cell(report, "b").Outcome);
    }
}
