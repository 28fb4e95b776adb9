using DockerFw.Core.Fleet;
using DockerFw.Core.Semantics.Symbolic;
using static DockerFw.Core.Tests.Fleet.FleetFixture;

namespace DockerFw.Core.Tests.Fleet;

/// <summary>
/// A cell's parts are cut by ICMP type as the audit's flows are: each query has its own reply type
/// and its own later packets, so a host that drops timestamp replies (14), or the later timestamp
/// requests, blocks the timestamp requests (13) alone and leaves echo reachable. The parts kept ICMP's
/// types whole: such a drop blocked every ICMP query of the cell.
/// </summary>
public sealed class FleetIcmpTypeTests
{
    private const string LetAIn = "-A DOCKER-USER -s 10.103.100.0/24 -i under0 -o docker0 -j ACCEPT";
    private const string LetBackIn = "-A DOCKER-USER -s 10.103.200.0/24 -i under0 -o docker0 -j ACCEPT";

    private static Tamper First(string host, string first, string rule) => Replace(host, "iptables-save.txt", first, rule + "\n" + first);

    private static readonly IntervalSet Timestamp = IntervalSet.Single(13);

    private static bool Echo(CellPart part) => part.Packets.Boxes.Any(b => b[Dimension.Proto].Contains(1) && b[Dimension.IcmpType].Contains(8));

    [Fact]
    public void A_sender_dropping_timestamp_replies_blocks_the_timestamp_requests_alone_and_echo_stays_reachable()
    {
        var cell = Cell(Run("routed", First("a", LetBackIn, "-A DOCKER-USER -d 10.103.100.0/24 -i under0 -o docker0 -p icmp -m icmp --icmp-type 14 -j DROP")), "a");

        var blocked = Assert.Single(cell.Parts, p => p.Outcome == CellOutcome.Blocked);
        Assert.All(blocked.Packets.Boxes, b => Assert.Equal((IntervalSet.Single(1), Timestamp), (b[Dimension.Proto], b[Dimension.IcmpType])));
        Assert.Equal("icmp/type 13", blocked.PacketsText);
        Assert.Contains(cell.Parts, p => p.Outcome == CellOutcome.Reachable && Echo(p));
    }

    [Fact]
    public void A_receiver_dropping_the_later_timestamp_requests_blocks_them_alone()
    {
        var cell = Cell(Run("routed", First("b", LetAIn, "-A DOCKER-USER -i under0 -o docker0 -p icmp -m icmp --icmp-type 13 -m conntrack --ctstate ESTABLISHED -j DROP")), "a");

        var blocked = Assert.Single(cell.Parts, p => p.Outcome == CellOutcome.Blocked);
        Assert.Equal(("b", LegStage.ReceiverLater), (blocked.Decisions[^1].Host, blocked.Decisions[^1].Stage));
        Assert.All(blocked.Packets.Boxes, b => Assert.Equal(Timestamp, b[Dimension.IcmpType]));
        Assert.Contains(cell.Parts, p => p.Outcome == CellOutcome.Reachable && Echo(p));
    }
}
