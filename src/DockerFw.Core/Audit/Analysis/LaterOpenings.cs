using System.Collections.Immutable;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// Later packets back to the openings they follow (oracle F38), one mapping for every user: the audit's
/// later packets (<see cref="LaterPackets"/>), a published port's (<see cref="PortReplies"/>), fleet's
/// (<c>Fleet/Neutral</c>) and the policy's (<c>Policy/Judging/LaterFates</c>). A later packet has its
/// opening's header but for its conntrack state and TCP's flags (ESTABLISHED, ACK set: its own), so
/// the openings some of whose later packets a box holds are the openings narrowed to that box on every
/// other field, but those the caller names <c>whole</c>:
/// <list type="bullet">
/// <item>a field nat rewrote between the openings as given and the later packets as asked (a published
/// port's later packets asked de-NATed: destination and port; fleet's masqueraded sources), whose
/// values the two do not share;</item>
/// <item>the interfaces where the answer is a matrix's flow, between two bridges, whose interfaces are
/// the question's own.</item>
/// </list>
/// ICMP's types are narrowed for every user: a flow names them where they differ (a second timestamp
/// request is a timestamp request), so only the types whose later packets die are opening-only. They
/// were kept whole, and a drop of timestamp requests' later packets made echo opening-only too.
/// </summary>
public static class LaterOpenings
{
    /// <summary>A flow's (the audit's matrices, icc, links): it names no interface.</summary>
    public static readonly ImmutableArray<Dimension> Flow = [Dimension.In, Dimension.Out];

    /// <summary>A fleet cell's flows: the receiver saw a masqueraded source.</summary>
    public static readonly ImmutableArray<Dimension> Cell = [Dimension.Src];

    /// <summary>A published port's connections as they arrived, their later packets asked de-NATed (to the container's address and port).</summary>
    public static readonly ImmutableArray<Dimension> DeNated = [Dimension.Dst, Dimension.Dport];

    /// <summary>Packets (the policy's verdicts, a published port's later packets asked as they arrived): every field narrowed.</summary>
    public static readonly ImmutableArray<Dimension> Packet = [];

    /// <summary>The openings of <paramref name="opening"/> some of whose later packets lie in <paramref name="later"/>.</summary>
    public static Box Of(Box opening, Box later, ImmutableArray<Dimension> whole)
    {
        var box = opening;
        foreach (var d in Dimensions.All)
            if (d is not (Dimension.State or Dimension.TcpFlags) && !whole.Contains(d))
                box = box.With(d, box[d].Intersect(later[d]));
        return box;
    }
}
