using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Tests.Audit;

/// <summary>
/// The replies of echo requests carry the echo reply's type of their own protocol: ICMP's 0 to its 8,
/// ICMPv6's 129 to its 128 (<see cref="ReplyFate.Mirror"/>). ICMPv6's were typed 0, or 128: an
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
        Assert.Equal(IntervalSet.Single(129), ReplyFate.Mirror(Requests(IpFamily.V6, Protocol.IcmpV6, IntervalSet.Range(0, 255)))[Dimension.IcmpType]);
    }

    [Fact]
    public void An_icmp_echo_request_is_answered_by_type_0_and_other_protocols_keep_what_they_had()
    {
        Assert.Equal(IntervalSet.Single(0), ReplyFate.Mirror(Requests(IpFamily.V4, Protocol.Icmp, IntervalSet.Range(0, 255)))[Dimension.IcmpType]);
        Assert.Equal(IntervalSet.Single(0), ReplyFate.Mirror(Requests(IpFamily.V4, Protocol.Tcp, IntervalSet.Range(0, 255)))[Dimension.IcmpType]);
        // A box of ICMP's other types (no echo request) keeps them.
        Assert.Equal(IntervalSet.Single(13), ReplyFate.Mirror(Requests(IpFamily.V4, Protocol.Icmp, IntervalSet.Single(13)))[Dimension.IcmpType]);
    }
}
