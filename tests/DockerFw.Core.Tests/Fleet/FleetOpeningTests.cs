using DockerFw.Core.Fleet;
using DockerFw.Core.Semantics.Symbolic;
using static DockerFw.Core.Tests.Fleet.FleetFixture;

namespace DockerFw.Core.Tests.Fleet;

/// <summary>
/// Fleet asks about connections as the single-host audit does (oracle F32): about the packet that
/// opens one, TCP's SYN (<see cref="LegPackets"/>), on every leg. conntrack also takes a bare ACK for
/// NEW, which opens nothing, so over every NEW packet a stateless <c>--syn</c> drop left TCP partly
/// reachable (the ACKs passed) and a drop of NEW TCP that is no SYN (<c>! --syn --ctstate NEW</c>)
/// made it partly blocked, where every connection opens. One case of each per leg: the receiver's
/// forward leg (the container's source, and the sender's after its MASQUERADE), the sender's, and a
/// peer port's OUTPUT and INPUT. A tunnel's outer packets are GRE or UDP: no flags to ask about.
/// </summary>
public sealed class FleetOpeningTests
{
    private const string LetAIn = "-A DOCKER-USER -s 10.103.100.0/24 -i under0 -o docker0 -j ACCEPT";
    private const string LetBIn = "-A DOCKER-USER -s 10.103.200.0/24 -i under0 -o docker0 -j ACCEPT";
    private const string Exception = "-A POSTROUTING -s 10.103.100.0/24 -d 10.103.200.0/24 -j RETURN";

    // As an admin writes them; read back as iptables-save prints them.
    private const string SynDropped = "-A DOCKER-USER -p tcp --syn -j DROP";
    private const string NoSynDropped = "-A DOCKER-USER -p tcp ! --syn -m conntrack --ctstate NEW -j DROP";
    private const string SynDroppedSaved = "-A DOCKER-USER -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j DROP";

    /// <summary>A rule put first in a host's DOCKER-USER, ahead of the rule that starts it.</summary>
    private static Tamper First(string host, string first, string rule) => Replace(host, "iptables-save.txt", first, rule + "\n" + first);

    [Fact]
    public void A_receiver_that_drops_new_tcp_without_a_syn_still_takes_every_connection()
    {
        var report = Run("routed", First("b", LetAIn, NoSynDropped));

        var cell = Cell(report, "a");
        Assert.Equal(CellOutcome.Reachable, cell.Outcome);
        Assert.Equal("every protocol", Assert.Single(cell.Parts).PacketsText);
        Assert.All(report.Containers, c => Assert.Equal(CellOutcome.Reachable, c.Outcome));
        Assert.Empty(Codes(report));
    }

    [Fact]
    public void A_receiver_that_drops_every_syn_takes_no_tcp_connection_though_bare_acks_pass()
    {
        var report = Run("routed", First("b", LetAIn, SynDropped));

        var cell = Cell(report, "a");
        Assert.Equal(CellOutcome.Partial, cell.Outcome);
        var blocked = Assert.Single(cell.Parts, p => p.Outcome == CellOutcome.Blocked);
        Assert.Equal("tcp", blocked.PacketsText);
        Assert.Equal(("b", LegStage.ReceiverForward), (blocked.Decisions[^1].Host, blocked.Decisions[^1].Stage));
        Assert.EndsWith(SynDroppedSaved, blocked.Decisions[^1].Rule, StringComparison.Ordinal);
        // No TCP reaches b's container: the NEW bare ACKs that pass open nothing.
        var tcp = IntervalSet.Single(6);
        Assert.DoesNotContain(Assert.Single(cell.Parts, p => p.Outcome == CellOutcome.Reachable).Packets.Boxes, b => b[Dimension.Proto].Overlaps(tcp));
        // The network cell's and the container cell's.
        Assert.Equal(["DFW773"], Codes(report).Distinct());
        Assert.All(report.Findings, f => Assert.Contains("b turns away tcp ", f.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void A_receiver_of_masqueraded_packets_is_asked_about_their_openings_too()
    {
        // a masquerades (no nat exception); b lets in whatever comes from under0, after its flags rule.
        var report = Run("routed", Without("a", Exception), Replace("b", "iptables-save.txt", LetAIn,
            NoSynDropped + "\n-A DOCKER-USER -i under0 -o docker0 -j ACCEPT"));
        var dropped = Run("routed", Without("a", Exception), Replace("b", "iptables-save.txt", LetAIn,
            SynDropped + "\n-A DOCKER-USER -i under0 -o docker0 -j ACCEPT"));

        Assert.Equal(CellOutcome.Reachable, Cell(report, "a").Outcome);
        Assert.True(Cell(report, "a").Masqueraded);
        Assert.Equal(["DFW772"], Codes(report));
        var blocked = Assert.Single(Cell(dropped, "a").Parts, p => p.Outcome == CellOutcome.Blocked);
        Assert.Equal(("tcp", "b"), (blocked.PacketsText, blocked.Decisions[^1].Host));
        Assert.NotNull(blocked.Nat);
    }

    [Fact]
    public void A_sender_is_asked_about_the_openings_its_containers_send()
    {
        // Only what a's containers send out: b's connections into a do not meet these.
        var open = Run("routed", First("a", LetBIn, "-A DOCKER-USER -i docker0 -o under0 -p tcp ! --syn -m conntrack --ctstate NEW -j DROP"));
        var closed = Run("routed", First("a", LetBIn, "-A DOCKER-USER -i docker0 -o under0 -p tcp --syn -j DROP"));

        Assert.Equal(CellOutcome.Reachable, Cell(open, "a").Outcome);
        Assert.Empty(Codes(open));
        var blocked = Assert.Single(Cell(closed, "a").Parts, p => p.Outcome == CellOutcome.Blocked);
        Assert.Equal(("tcp", "a", LegStage.SenderForward), (blocked.PacketsText, blocked.Decisions[^1].Host, blocked.Decisions[^1].Stage));
        // b's connections into a are not a's to send: b -> a stays reachable.
        Assert.Equal(CellOutcome.Reachable, Cell(closed, "b").Outcome);
    }

    [Theory]
    [InlineData("a", "-A OUTPUT -p tcp --syn -j DROP", CellOutcome.Blocked)]
    [InlineData("a", "-A OUTPUT -p tcp ! --syn -m conntrack --ctstate NEW -j DROP", CellOutcome.Reachable)]
    [InlineData("b", "-A INPUT -p tcp --syn -j DROP", CellOutcome.Blocked)]
    [InlineData("b", "-A INPUT -p tcp ! --syn -m conntrack --ctstate NEW -j DROP", CellOutcome.Reachable)]
    public void A_peer_ports_output_and_input_are_asked_about_the_syn_that_opens_it(string host, string rule, CellOutcome outcome)
    {
        var report = Run("swarm", With(host, "filter", rule));

        var gossip = report.Swarm.Single(c => c.Sender.Name == "a" && c.Port.Display == "tcp/7946");
        Assert.Equal(outcome, gossip.Outcome);
        Assert.Equal(outcome == CellOutcome.Blocked, report.Findings.Any(f => f.Code == FleetCodes.SwarmPortBlocked));
        // UDP's ports do not test flags.
        Assert.All(report.Swarm.Where(c => c.Port.ProtocolName == "udp"), c => Assert.Equal(CellOutcome.Reachable, c.Outcome));
    }
}
