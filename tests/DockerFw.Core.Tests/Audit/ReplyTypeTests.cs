using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Tests.Audit;

/// <summary>
/// The replies of queries carry their reply's type of their own protocol: ICMP's 0 to its 8, 14 to
/// its timestamp request 13, ICMPv6's 129 to its 128, 140 to its node information query 139
/// (<see cref="ReplyFate.Mirror"/>, <see cref="IcmpStates"/>). ICMPv6's were typed 0, or 128: an
/// ip6tables rule letting only echo-reply back (a hand-written firewall's usual line) read as dropping
/// every reply, and the pair as one-way where every ping is answered.
/// </summary>
public sealed class ReplyTypeTests
{
    private static Box Requests(IpFamily family, int protocol, IntervalSet types) =>
        new PacketSpace(family, InterfaceAlphabet.Of([], [])).Whole()
            .With(Dimension.Proto, IntervalSet.Single((UInt128)protocol)).With(Dimension.IcmpType, types);

    [Fact]
    public void An_icmpv6_echo_request_is_answered_by_an_echo_reply_of_type_129()
    {
        Assert.Equal(IntervalSet.Single(129), ReplyFate.Mirror(Requests(IpFamily.V6, Protocol.IcmpV6, IntervalSet.Single(128)))[Dimension.IcmpType]);
        Assert.Equal(IntervalSet.FromValues([129, 140]), ReplyFate.Mirror(Requests(IpFamily.V6, Protocol.IcmpV6, IntervalSet.Range(0, 255)))[Dimension.IcmpType]);
    }

    [Fact]
    public void An_icmp_echo_request_is_answered_by_type_0_and_other_protocols_keep_what_they_had()
    {
        Assert.Equal(IntervalSet.FromValues([0, 14, 16, 18]), ReplyFate.Mirror(Requests(IpFamily.V4, Protocol.Icmp, IntervalSet.Range(0, 255)))[Dimension.IcmpType]);
        Assert.Equal(IntervalSet.Single(0), ReplyFate.Mirror(Requests(IpFamily.V4, Protocol.Icmp, IntervalSet.Single(8)))[Dimension.IcmpType]);
        Assert.Equal(IntervalSet.Single(0), ReplyFate.Mirror(Requests(IpFamily.V4, Protocol.Tcp, IntervalSet.Single(0)))[Dimension.IcmpType]);
        // A box of ICMP's errors (no query) opens nothing and keeps its types.
        Assert.Equal(IntervalSet.Single(3), ReplyFate.Mirror(Requests(IpFamily.V4, Protocol.Icmp, IntervalSet.Single(3)))[Dimension.IcmpType]);
    }

    [Theory]
    // Every query is answered by its own reply (IcmpStates): a box of timestamp requests was answered
    // by timestamp requests, so a rule dropping timestamp replies (14) was never met.
    [InlineData(IpFamily.V4, Protocol.Icmp, "13", "14")]
    [InlineData(IpFamily.V4, Protocol.Icmp, "15", "16")]
    [InlineData(IpFamily.V4, Protocol.Icmp, "17", "18")]
    [InlineData(IpFamily.V4, Protocol.Icmp, "8,13", "0,14")]
    [InlineData(IpFamily.V6, Protocol.IcmpV6, "139", "140")]
    [InlineData(IpFamily.V6, Protocol.IcmpV6, "128,139", "129,140")]
    public void Every_query_is_answered_by_its_own_reply_type(IpFamily family, int protocol, string queries, string replies)
    {
        IntervalSet Types(string list) => IntervalSet.FromValues(list.Split(',').Select(UInt128.Parse));

        Assert.Equal(Types(replies), ReplyFate.Mirror(Requests(family, protocol, Types(queries)))[Dimension.IcmpType]);
    }
}
