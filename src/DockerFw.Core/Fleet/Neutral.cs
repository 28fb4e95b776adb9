using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Fleet;

/// <summary>
/// Packets in terms every host of a fleet shares. Interfaces are symbols of one host's alphabet and
/// the state is one host's conntrack's view, so a leg's answer keeps only the header of the inner
/// packet as the sender's container sent it (addresses, protocol, ports, ICMP type, TCP flags): the answers of
/// two hosts about the same packets can then be intersected.
/// </summary>
internal static class Neutral
{
    private static readonly IntervalSet Zero = IntervalSet.Single(0);

    /// <summary>A space whose non-interface dimensions are those of every IPv4 space.</summary>
    public static PacketSpace Space { get; } = new(IpFamily.V4, InterfaceAlphabet.Of([], []));

    public static Box Of(Box box) =>
        new([box[Dimension.Src], box[Dimension.Dst], box[Dimension.Proto], box[Dimension.Sport], box[Dimension.Dport], box[Dimension.IcmpType], Zero, Zero, Zero, box[Dimension.TcpFlags]],
            BitCubeSet.All);

    public static PacketSet Of(PacketSet set) => set.Boxes.Aggregate(PacketSet.Empty, (s, b) => s.Union(PacketSet.Of(Of(b))));

    /// <summary>
    /// Every packet that opens a connection from <paramref name="sources"/> to <paramref name="destinations"/>
    /// (<see cref="LegPackets"/>), in neutral terms: NEW ones, as the legs ask, so ICMP's are its queries
    /// alone (<see cref="IcmpStates"/>).
    /// </summary>
    public static PacketSet Between(IntervalSet sources, IntervalSet destinations) =>
        Of(LegPackets.Of(new ReachQuery(Semantics.PacketPath.Forward) { State = ConntrackStates.New }.ToPacketSet(Space)
            .Intersect(Space.Whole().With(Dimension.Src, sources).With(Dimension.Dst, destinations)), ConntrackStates.New));

    /// <summary>
    /// The replies to a box of opening packets, in neutral terms (<see cref="Audit.Analysis.ReplyFate.Mirror"/>):
    /// addresses and ports swapped, each ICMP query answered by its own reply type (IcmpStates), TCP's flags those of replies.
    /// <paramref name="to"/>: the address they go to when it is not the request's source (a masqueraded one).
    /// </summary>
    public static Box Replies(Box request, IntervalSet? to = null)
    {
        var replies = Of(Audit.Analysis.ReplyFate.Mirror(request));
        return to is null ? replies : replies.With(Dimension.Dst, to);
    }

    /// <summary>
    /// The opening packets of <paramref name="request"/> that a box of their replies answers: its
    /// destinations, protocols, ports and ICMP queries (<see cref="IcmpStates.Answered"/>); the request's
    /// other fields (its sources and flags, which a reply does not give back one for one) are kept whole.
    /// </summary>
    public static Box Answered(Box reply, Box request) => Narrowed(request, reply[Dimension.Src], reply[Dimension.Proto], reply[Dimension.Dport], reply[Dimension.Sport])
        .With(Dimension.IcmpType, IcmpStates.Answered(reply, request));

    /// <summary>
    /// The later packets of the connections a box of opening packets starts, in neutral terms: the same
    /// addresses and ports, TCP's flags those of an open connection (ACK set). <paramref name="from"/>:
    /// the source they have when it is not the request's (a masqueraded one).
    /// </summary>
    public static Box Later(Box request, IntervalSet? from = null)
    {
        var later = request.With(Dimension.TcpFlags, request[Dimension.TcpFlags].Equals(Zero) ? Zero : Audit.Analysis.Openings.ReplyFlags);
        return from is null ? later : later.With(Dimension.Src, from);
    }

    /// <summary>
    /// The opening packets of <paramref name="request"/> whose connections' later packets a box of them
    /// holds (<see cref="Audit.Analysis.LaterOpenings"/>): its sources (a NAT may have rewritten them on
    /// the way) kept whole.
    /// </summary>
    public static Box Started(Box later, Box request) => Audit.Analysis.LaterOpenings.Of(request, later, Audit.Analysis.LaterOpenings.Cell);

    // The request's packets of these destinations, protocols and ports; its sources (which a NAT may
    // have rewritten on the way), ICMP types and flags kept whole.
    private static Box Narrowed(Box request, IntervalSet destinations, IntervalSet protocols, IntervalSet sourcePorts, IntervalSet destinationPorts) => request
        .With(Dimension.Dst, request[Dimension.Dst].Intersect(destinations))
        .With(Dimension.Proto, request[Dimension.Proto].Intersect(protocols))
        .With(Dimension.Sport, request[Dimension.Sport].Intersect(sourcePorts))
        .With(Dimension.Dport, request[Dimension.Dport].Intersect(destinationPorts));

    /// <summary>The same packets with another source set: what a receiver's answer about a NATed source says of the originals.</summary>
    public static PacketSet WithSources(PacketSet set, IntervalSet sources) =>
        set.Boxes.Aggregate(PacketSet.Empty, (s, b) => s.Union(PacketSet.Of(b.With(Dimension.Src, sources))));
}
