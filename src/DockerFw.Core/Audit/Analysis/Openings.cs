using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// The NEW packets that open a connection: TCP's SYN (flags exactly SYN, what connect() sends), every
/// other protocol as it is. conntrack also takes a bare ACK for NEW (nf_conntrack_tcp_loose, on by
/// default), but no connection comes of it (the server answers an ACK it has no socket for with a
/// RST), so a rule such as <c>-p tcp --syn -j DROP</c> closes every connection while NEW+ACK passes.
/// Every question that means "a connection can be opened" (the network and container matrices, icc,
/// links, isolation, the policy's pairs, the fabric's and the overlay's ports) asks about these, as
/// the published ports ask <see cref="ReachQuery.Opening"/> (oracle F27).
/// Unlike <see cref="ReachQuery.Opening"/>, the box TCP shares with the other ported protocols
/// (<see cref="PacketSpace.Universe"/>) is narrowed, not cut in two: no rule tests flags but with
/// <c>-p tcp</c> (the compiler constrains the protocol with them), so the other protocols' answers
/// do not depend on the value, and a host whose rules test no flags is walked, and reported, in the
/// same boxes as before. UDP, ICMP and the rest keep their answers either way.
/// </summary>
public static class Openings
{
    private static readonly IntervalSet Tcp = IntervalSet.Single((UInt128)Protocol.Tcp);

    /// <summary>
    /// The flags of the segments a TCP connection needs after its SYN, both ways: the SYN,ACK, the
    /// ACKs, the data (PSH,ACK) and the close (FIN,ACK, with PSH when the last data goes with it), each
    /// with or without ECN's ECE and CWR (a client that asks for ECN gets them). A connection whose
    /// segments of these flags pass works, so a rule on any other combination is no reason to call its
    /// replies or later packets dropped: the hardening guides' drops of SYN,RST or FIN,RST together, of
    /// FIN, PSH or URG without ACK, never meet one (oracle F55), nor does a stateless <c>--syn -j DROP</c>
    /// on the way back. A RST ends a connection that is over; what happens to it is not judged.
    /// </summary>
    public static IntervalSet ReplyFlags { get; } = FlagsOrder.Of(
        from segment in new[] { TcpFlags.Syn | TcpFlags.Ack, TcpFlags.Ack, TcpFlags.Psh | TcpFlags.Ack, TcpFlags.Fin | TcpFlags.Ack, TcpFlags.Fin | TcpFlags.Psh | TcpFlags.Ack }
        from ecn in new[] { TcpFlags.None, TcpFlags.Ece, TcpFlags.Cwr, TcpFlags.Ece | TcpFlags.Cwr }
        select (int)(segment | ecn));

    /// <summary>The replies of connections among ESTABLISHED packets: TCP's flags narrowed to <see cref="ReplyFlags"/>, the other protocols as they are.</summary>
    public static PacketSet Answers(PacketSet packets) => new([.. packets.Boxes.Select(b =>
        b[Dimension.Proto].Overlaps(Tcp) ? b.With(Dimension.TcpFlags, b[Dimension.TcpFlags].Intersect(ReplyFlags)) : b)]);

    public static PacketSet Of(PacketSet packets) => new([.. packets.Boxes.SelectMany(Of)]);

    /// <summary>The box with TCP's flags narrowed to the SYN; a box without TCP as it is.</summary>
    public static IEnumerable<Box> Of(Box box)
    {
        if (!box[Dimension.Proto].Overlaps(Tcp)) return [box];
        var flags = box[Dimension.TcpFlags].Intersect(ReachQuery.OpeningFlags);
        if (!flags.IsEmpty) return [box.With(Dimension.TcpFlags, flags)];
        // No SYN among the box's flags: its TCP packets open nothing, the others stay.
        var others = box[Dimension.Proto].Subtract(Tcp);
        return others.IsEmpty ? [] : [box.With(Dimension.Proto, others)];
    }
}
