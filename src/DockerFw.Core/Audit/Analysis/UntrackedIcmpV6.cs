using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// The ICMPv6 messages conntrack never tracks: multicast listener discovery (130-132, 143), router
/// and neighbour discovery (133-136) are UNTRACKED whatever came before (nf_conntrack_proto_icmpv6.c,
/// <c>noct_valid_new</c>). They find links, routers and groups: they open no connection and nothing
/// answers them as a reply, so a pair's connections (icc, the network and container matrices) are not
/// about them. Judged as connections, a rule that lets them through on the reply way made "replies"
/// of them come back where no reply does: firewalld's reverse-path chain accepts ICMPv6 134-135 before
/// its fib check, so a multi-homed server whose echo replies that check drops was said to make an
/// ICMPv6 connection (oracle F36, seed 5076). Their own gate is <see cref="NeighbourDiscoveryGate"/>.
/// Since oracle F39 a walk of NEW packets holds none of them (<see cref="IcmpStates"/>: NEW ICMPv6 is
/// its queries alone); this stays as the pairs' statement that they are no connection.
/// </summary>
public static class UntrackedIcmpV6
{
    /// <summary>The ICMPv6 types conntrack leaves untracked: 130-136 and 143 (<see cref="IcmpStates"/>, conntrack's state of each type).</summary>
    public static readonly IntervalSet Types = IcmpStates.Untracked(IpFamily.V6);

    /// <summary>The pieces without their untracked ICMPv6 messages (pieces of other protocols as they are).</summary>
    public static IEnumerable<Piece> Without(IEnumerable<Piece> pieces)
    {
        foreach (var p in pieces)
        {
            if (!p.Box[Dimension.Proto].IsSubsetOf(IcmpV6))
            {
                yield return p;
                continue;
            }

            var types = p.Box[Dimension.IcmpType].Subtract(Types);
            if (!types.IsEmpty) yield return p with { Box = p.Box.With(Dimension.IcmpType, types) };
        }
    }

    /// <summary>Whether a box holds only untracked ICMPv6 messages.</summary>
    public static bool Holds(Box b) => b[Dimension.Proto].IsSubsetOf(IcmpV6) && b[Dimension.IcmpType].IsSubsetOf(Types);

    private static readonly IntervalSet IcmpV6 = IntervalSet.Single((UInt128)Protocol.IcmpV6);
}
