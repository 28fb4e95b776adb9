using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Tests.Semantics.Symbolic;

/// <summary>
/// <c>-m conntrack --ctorigdst/--ctorigdstport/--ctdir</c>: a NEW packet created its connection, so it
/// travels in the original direction and the original tuple is the packet as it arrived, before DNAT,
/// whether the rule tests the state or not; a packet without a connection fails the test unless its
/// block tests the state; in any other state the tuple and direction are not the packet's.
/// </summary>
public sealed class OriginalTupleTests
{
    private const string Published = """
        *nat
        :PREROUTING ACCEPT [0:0]
        -A PREROUTING -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.19.0.2:80
        COMMIT
        *filter
        :FORWARD ACCEPT [0:0]
        -A FORWARD -d 172.19.0.2/32 -p tcp -m conntrack {0} --ctorigdstport 8080 -m tcp --dport 80 -j DROP
        COMMIT

        """;

    [Fact]
    public void A_rule_on_new_packets_sees_the_port_they_arrived_on_before_dnat()
    {
        var result = Reach("--ctstate NEW");

        Assert.Equal(ReachVerdict.Drop, result.RegionOf(Tcp("198.51.100.1", 8080))!.Verdict);
        Assert.Equal(ReachVerdict.Accept, result.RegionOf(Tcp("172.19.0.2", 80))!.Verdict);
    }

    [Fact]
    public void Without_a_state_test_a_new_packet_is_still_judged_by_how_it_arrived()
    {
        var result = Reach("");

        Assert.Equal(ReachVerdict.Drop, result.RegionOf(Tcp("198.51.100.1", 8080))!.Verdict);
        Assert.Equal(ReachVerdict.Accept, result.RegionOf(Tcp("172.19.0.2", 80))!.Verdict);
    }

    [Fact]
    public void A_packet_of_an_established_connection_does_not_carry_its_original_tuple_and_stays_undecided()
    {
        var result = Reach("", ConntrackStates.Established);

        var region = result.RegionOf(Tcp("172.19.0.2", 80, ConntrackStates.Established))!;
        Assert.Equal(ReachVerdict.Maybe, region.Verdict);
        Assert.StartsWith("-m conntrack --ctorigdstport tests the connection's original tuple and direction", result.DoubtReasons[Assert.Single(region.Doubts)], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--ctdir ORIGINAL", ReachVerdict.Drop)]
    [InlineData("--ctdir REPLY", ReachVerdict.Accept)]
    public void A_new_packet_travels_in_its_connections_original_direction(string direction, ReachVerdict verdict)
    {
        // Docker's documented recipe to filter a published port by the port the client used.
        var result = Reach(direction);

        Assert.Equal(verdict, result.RegionOf(Tcp("198.51.100.1", 8080))!.Verdict);
        Assert.Equal(ReachVerdict.Accept, result.RegionOf(Tcp("172.19.0.2", 80))!.Verdict);
    }

    [Theory]
    [InlineData("", ReachVerdict.Accept)]
    [InlineData("--ctstate INVALID,NEW", ReachVerdict.Drop)]
    public void A_packet_without_a_connection_fails_the_tuple_test_unless_its_block_tests_the_state(string state, ReachVerdict verdict)
    {
        // conntrack_mt: no connection, so the block holds only when it also tests --ctstate (which passed).
        var result = Reach(state, ConntrackStates.Invalid);

        Assert.Equal(verdict, result.RegionOf(Tcp("172.19.0.2", 80, ConntrackStates.Invalid))!.Verdict);
    }

    private static ReachResult Reach(string conditions, ConntrackStates state = ConntrackStates.New)
    {
        var ruleset = IptablesSaveReader.Read(string.Format(Published, conditions), "published", IpFamily.V4).Value!;
        var query = new ReachQuery(PacketPath.Forward) { In = new("eth0"), Out = new("br-b"), State = state };
        return SymbolicEngine.Reach(SymbolicRuleset.Compile(ruleset, query.Interfaces), query);
    }

    private static Packet Tcp(string dst, int dport, ConntrackStates state = ConntrackStates.New) => new(IpFamily.V4,
        IpAddressValue.Parse("203.0.113.9", IpFamily.V4), IpAddressValue.Parse(dst, IpFamily.V4), Protocol.Tcp, SourcePort: 40000, DestinationPort: dport,
        InInterface: "eth0", OutInterface: "br-b", State: state);
}
