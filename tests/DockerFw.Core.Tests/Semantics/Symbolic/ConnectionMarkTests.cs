using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Tests.Semantics.Symbolic;

/// <summary>
/// <c>-m connmark --mark</c> and CONNMARK in the symbolic walk: a packet that arrived NEW created its
/// connection, whose mark starts at 0; CONNMARK's set, save and restore change it (or the packet mark)
/// for the rest of the walk; an ESTABLISHED or RELATED packet finds what its connection's earlier
/// packets left, so only the bits the walk itself set are known there; a packet without a connection
/// (INVALID, UNTRACKED, anything in raw) never matches connmark, negated or not.
/// </summary>
public sealed class ConnectionMarkTests
{
    // An admin's common recipe (the oracle's twelfth stream): mark the connections the uplink opens, drop them in DOCKER-USER.
    private const string UplinkRecipe = """
        *mangle
        :PREROUTING ACCEPT [0:0]
        -A PREROUTING -i uplink0 -m conntrack --ctstate NEW -j CONNMARK --set-xmark 0x20/0xffffffff
        COMMIT
        *filter
        :FORWARD ACCEPT [0:0]
        :DOCKER-USER - [0:0]
        -A FORWARD -j DOCKER-USER
        -A DOCKER-USER -m connmark --mark 0x20 -j DROP
        COMMIT

        """;

    [Fact]
    public void A_new_connection_marked_by_the_uplink_is_dropped_and_one_from_elsewhere_starts_unmarked_and_passes()
    {
        var result = Reach(UplinkRecipe, ConntrackStates.New);

        Assert.Equal(ReachVerdict.Drop, Verdict(result, "uplink0"));
        Assert.Equal(ReachVerdict.Accept, Verdict(result, "br-a"));
    }

    [Fact]
    public void A_packet_of_an_established_connection_finds_the_mark_its_earlier_packets_left_and_stays_in_doubt()
    {
        var result = Reach(UplinkRecipe, ConntrackStates.Established);

        var region = result.RegionOf(Tcp("br-a", ConntrackStates.Established))!;
        Assert.Equal(ReachVerdict.Maybe, region.Verdict);
        Assert.Equal("the connection mark of an ESTABLISHED or RELATED packet is what its connection's earlier packets left",
            result.DoubtReasons[Assert.Single(region.Doubts)]);
    }

    [Theory]
    [InlineData("--set-xmark 0x20/0xffffffff", ReachVerdict.Drop)]
    [InlineData("--set-xmark 0x10/0xffffffff", ReachVerdict.Accept)]
    // The bit set rules the test out whatever the others are.
    [InlineData("--set-xmark 0x1/0x1", ReachVerdict.Accept)]
    // Only bit 0x20 is set: the test reads the others too, still whatever the connection carried.
    [InlineData("--set-xmark 0x20/0x20", ReachVerdict.Maybe)]
    public void A_mark_the_walk_sets_on_every_packet_is_known_for_established_packets_too(string set, ReachVerdict verdict)
    {
        var rules = UplinkRecipe.Replace("-i uplink0 -m conntrack --ctstate NEW -j CONNMARK --set-xmark 0x20/0xffffffff", "-j CONNMARK " + set, StringComparison.Ordinal);

        var result = Reach(rules, ConntrackStates.Established);

        Assert.Equal(verdict, result.RegionOf(Tcp("br-a", ConntrackStates.Established))!.Verdict);
    }

    [Theory]
    [InlineData(ConntrackStates.Invalid)]
    [InlineData(ConntrackStates.Untracked)]
    public void A_packet_without_a_connection_matches_connmark_neither_plain_nor_negated(ConntrackStates state)
    {
        const string rules = """
            *filter
            :FORWARD ACCEPT [0:0]
            -A FORWARD -m connmark --mark 0x0 -j DROP
            -A FORWARD -m connmark ! --mark 0x0 -j DROP
            COMMIT

            """;

        var result = Reach(rules, state);

        Assert.Equal(ReachVerdict.Accept, result.RegionOf(Tcp("uplink0", state))!.Verdict);
    }

    [Fact]
    public void Notrack_leaves_a_new_packet_without_a_connection_to_mark_or_match()
    {
        const string rules = """
            *raw
            :PREROUTING ACCEPT [0:0]
            -A PREROUTING -i uplink0 -j CT --notrack
            COMMIT
            *filter
            :FORWARD ACCEPT [0:0]
            -A FORWARD -j CONNMARK --set-xmark 0x1/0xffffffff
            -A FORWARD -m connmark --mark 0x1 -j DROP
            COMMIT

            """;

        var result = Reach(rules, ConntrackStates.New);

        Assert.Equal(ReachVerdict.Accept, Verdict(result, "uplink0"));
        Assert.Equal(ReachVerdict.Drop, Verdict(result, "br-a"));
    }

    [Fact]
    public void Raw_runs_before_conntrack_so_its_connmark_never_matches_and_its_connmark_target_does_nothing()
    {
        const string rules = """
            *raw
            :PREROUTING ACCEPT [0:0]
            -A PREROUTING -j CONNMARK --set-xmark 0x1/0xffffffff
            -A PREROUTING -m connmark ! --mark 0x1 -j DROP
            COMMIT
            *filter
            :FORWARD ACCEPT [0:0]
            -A FORWARD -m connmark --mark 0x1 -j DROP
            COMMIT

            """;

        var result = Reach(rules, ConntrackStates.New);

        Assert.Equal(ReachVerdict.Accept, Verdict(result, "uplink0"));
    }

    [Fact]
    public void Save_mark_copies_the_packet_mark_into_the_connection_mark()
    {
        const string rules = """
            *mangle
            :PREROUTING ACCEPT [0:0]
            -A PREROUTING -i uplink0 -j MARK --set-xmark 0x4/0xffffffff
            -A PREROUTING -j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff
            COMMIT
            *filter
            :FORWARD ACCEPT [0:0]
            -A FORWARD -m connmark --mark 0x4 -j DROP
            COMMIT

            """;

        var result = Reach(rules, ConntrackStates.New);

        Assert.Equal(ReachVerdict.Drop, Verdict(result, "uplink0"));
        Assert.Equal(ReachVerdict.Accept, Verdict(result, "br-a"));
    }

    [Fact]
    public void Restore_mark_gives_a_new_packet_its_connections_mark_and_an_established_one_an_unknown_mark()
    {
        const string rules = """
            *mangle
            :PREROUTING ACCEPT [0:0]
            -A PREROUTING -i uplink0 -m conntrack --ctstate NEW -j CONNMARK --set-xmark 0x8/0xffffffff
            -A PREROUTING -j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff
            COMMIT
            *filter
            :FORWARD ACCEPT [0:0]
            -A FORWARD -m mark --mark 0x8 -j DROP
            COMMIT

            """;

        var opening = Reach(rules, ConntrackStates.New);
        var later = Reach(rules, ConntrackStates.Established);

        Assert.Equal(ReachVerdict.Drop, Verdict(opening, "uplink0"));
        Assert.Equal(ReachVerdict.Accept, Verdict(opening, "br-a"));
        Assert.Equal(ReachVerdict.Maybe, later.RegionOf(Tcp("br-a", ConntrackStates.Established))!.Verdict);
    }

    [Fact]
    public void Restore_mark_within_its_masks_keeps_the_packet_marks_other_bits()
    {
        // The packet mark keeps 0x2 (outside nfmask) and takes 0x1 from the connection (0 for a new one).
        const string rules = """
            *mangle
            :PREROUTING ACCEPT [0:0]
            -A PREROUTING -j MARK --set-xmark 0x3/0xffffffff
            -A PREROUTING -j CONNMARK --restore-mark --nfmask 0x1 --ctmask 0x1
            COMMIT
            *filter
            :FORWARD ACCEPT [0:0]
            -A FORWARD -m mark --mark 0x2 -j DROP
            COMMIT

            """;

        Assert.Equal(ReachVerdict.Drop, Verdict(Reach(rules, ConntrackStates.New), "uplink0"));
    }

    [Fact]
    public void A_saved_mark_of_any_packet_is_read_back_as_the_mark_it_arrived_with()
    {
        // reach's own question (any mark): the connection mark's test becomes one of the arriving packet mark.
        const string rules = """
            *mangle
            :PREROUTING ACCEPT [0:0]
            -A PREROUTING -j CONNMARK --save-mark --nfmask 0x1 --ctmask 0x1
            COMMIT
            *filter
            :FORWARD ACCEPT [0:0]
            -A FORWARD -m connmark --mark 0x1/0x1 -j DROP
            COMMIT

            """;

        var result = Reach(rules, ConntrackStates.New, anyMark: true);

        Assert.Equal(ReachVerdict.Drop, result.RegionOf(Tcp("uplink0") with { Mark = 0x3 })!.Verdict);
        Assert.Equal(ReachVerdict.Accept, result.RegionOf(Tcp("uplink0") with { Mark = 0x2 })!.Verdict);
        Assert.DoesNotContain(result.Regions, r => r.Verdict == ReachVerdict.Maybe);
    }

    private static ReachResult Reach(string rules, ConntrackStates state, bool anyMark = false)
    {
        var ruleset = IptablesSaveReader.Read(rules, "connmark", IpFamily.V4).Value!;
        var query = new ReachQuery(PacketPath.Forward) { Out = new("br-b"), State = state, AnyMark = anyMark, In = null };
        return SymbolicEngine.Reach(SymbolicRuleset.Compile(ruleset, [.. query.Interfaces, new("uplink0"), new("br-a")]), query);
    }

    private static ReachVerdict Verdict(ReachResult result, string from) => result.RegionOf(Tcp(from))!.Verdict;

    private static Packet Tcp(string from, ConntrackStates state = ConntrackStates.New) => new(IpFamily.V4,
        IpAddressValue.Parse("203.0.113.9", IpFamily.V4), IpAddressValue.Parse("172.19.0.2", IpFamily.V4), Protocol.Tcp, SourcePort: 40000, DestinationPort: 80,
        InInterface: from, OutInterface: "br-b", State: state, TcpFlags: state == ConntrackStates.New ? TcpFlags.Syn : TcpFlags.Ack);
}
