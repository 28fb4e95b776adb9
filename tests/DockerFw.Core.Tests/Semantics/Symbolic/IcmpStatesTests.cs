using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Tests.Semantics.Symbolic;

/// <summary>
/// conntrack's state of each ICMP and ICMPv6 type (oracle F39): only a query is ever NEW; a reply is
/// ESTABLISHED in its query's connection, an error RELATED to the packet it quotes, ICMPv6's
/// discovery UNTRACKED, and any of them arriving with nothing before it INVALID. A question asked in
/// some states holds no other packets, so a walk of NEW ICMP is a walk of the queries.
/// </summary>
public sealed class IcmpStatesTests
{
    [Theory]
    // ICMP's queries: echo, timestamp, information and address mask requests.
    [InlineData(IpFamily.V4, 8, "INVALID,NEW,ESTABLISHED,UNTRACKED", "NEW")]
    [InlineData(IpFamily.V4, 13, "INVALID,NEW,ESTABLISHED,UNTRACKED", "NEW")]
    [InlineData(IpFamily.V4, 17, "INVALID,NEW,ESTABLISHED,UNTRACKED", "NEW")]
    // Their replies: a connection's, or nothing's.
    [InlineData(IpFamily.V4, 0, "INVALID,ESTABLISHED,UNTRACKED", "INVALID")]
    [InlineData(IpFamily.V4, 14, "INVALID,ESTABLISHED,UNTRACKED", "INVALID")]
    // Errors: destination unreachable, source quench, redirect, time exceeded, parameter problem.
    [InlineData(IpFamily.V4, 3, "INVALID,RELATED,UNTRACKED", "INVALID")]
    [InlineData(IpFamily.V4, 11, "INVALID,RELATED,UNTRACKED", "INVALID")]
    // Router advertisement and solicitation open nothing and quote nothing.
    [InlineData(IpFamily.V4, 9, "INVALID,UNTRACKED", "INVALID")]
    [InlineData(IpFamily.V4, 10, "INVALID,UNTRACKED", "INVALID")]
    [InlineData(IpFamily.V6, 128, "INVALID,NEW,ESTABLISHED,UNTRACKED", "NEW")]
    [InlineData(IpFamily.V6, 139, "INVALID,NEW,ESTABLISHED,UNTRACKED", "NEW")]
    [InlineData(IpFamily.V6, 129, "INVALID,ESTABLISHED,UNTRACKED", "INVALID")]
    [InlineData(IpFamily.V6, 1, "INVALID,RELATED,UNTRACKED", "INVALID")]
    [InlineData(IpFamily.V6, 4, "INVALID,RELATED,UNTRACKED", "INVALID")]
    [InlineData(IpFamily.V6, 135, "INVALID,UNTRACKED", "UNTRACKED")]
    [InlineData(IpFamily.V6, 143, "INVALID,UNTRACKED", "UNTRACKED")]
    // ICMPv6's redirect is neither untracked nor a query: INVALID.
    [InlineData(IpFamily.V6, 137, "INVALID,UNTRACKED", "INVALID")]
    public void Each_type_arrives_only_in_the_states_conntrack_gives_it(IpFamily family, int type, string possible, string unsolicited)
    {
        Assert.Equal(possible, ConntrackStatesText.Format(IcmpStates.Possible(family, type)));
        Assert.Equal(unsolicited, ConntrackStatesText.Format(IcmpStates.Unsolicited(family, type)));
    }

    [Theory]
    [InlineData(IpFamily.V4)]
    [InlineData(IpFamily.V6)]
    public void The_groups_of_types_cover_every_type_once(IpFamily family)
    {
        var groups = IcmpStates.Arrivals(family);

        Assert.Equal(IntervalSet.Range(0, 255), groups.Aggregate(IntervalSet.Empty, (s, g) => s.Union(g.Types)));
        Assert.Equal(256, groups.Sum(g => (int)g.Types.Cardinality));
    }

    [Theory]
    [InlineData(IpFamily.V4, "8,13,15,17")]
    [InlineData(IpFamily.V6, "128,139")]
    public void New_ICMP_packets_of_the_space_are_the_queries(IpFamily family, string queries)
    {
        var space = new PacketSpace(family, InterfaceAlphabet.Of([], []));
        var icmp = IntervalSet.Single((UInt128)space.IcmpProtocol);

        var asked = new ReachQuery(PacketPath.Forward) { State = ConntrackStates.New }.ToPacketSet(space)
            .Intersect(space.Whole().With(Dimension.Proto, icmp));

        Assert.Equal(IntervalSet.FromValues(queries.Split(',').Select(q => UInt128.Parse(q))),
            asked.Boxes.Aggregate(IntervalSet.Empty, (s, b) => s.Union(b[Dimension.IcmpType])));
    }

    // A host that drops INVALID first and lets ICMP's replies and errors through, no request: an
    // unsolicited echo reply is INVALID, so no NEW ICMP packet passes (the kernel test sends one).
    [Fact]
    public void Behind_a_drop_of_invalid_packets_no_new_ICMP_packet_passes_a_rule_for_echo_replies()
    {
        var ruleset = IptablesSaveReader.Read("""
            *filter
            :INPUT ACCEPT [0:0]
            :FORWARD DROP [0:0]
            :OUTPUT ACCEPT [0:0]
            -A FORWARD -m conntrack --ctstate INVALID -j DROP
            -A FORWARD -p icmp -m icmp --icmp-type 0 -j ACCEPT
            -A FORWARD -p icmp -m icmp --icmp-type 3 -j ACCEPT
            COMMIT

            """, "fixture.rules").Value!;
        var query = new ReachQuery(PacketPath.Forward) { Protocol = Protocol.FromNumber(Protocol.Icmp), State = ConntrackStates.New };

        var result = SymbolicEngine.Reach(SymbolicRuleset.Compile(ruleset, query.Interfaces), query);

        Assert.DoesNotContain(result.Regions, r => r.Verdict == ReachVerdict.Accept);
    }
}
