using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// The fate of the requests' later packets (oracle F38): once a reply is seen, conntrack marks every
/// further packet of the connection ESTABLISHED, the request's way too: TCP's handshake ACK and its
/// data (ACK set: <see cref="Openings.ReplyFlags"/>), a UDP flow's next datagrams, ping's second echo
/// request. They take the opening's way (same interfaces, addresses, ports; nat decides only on the
/// first packet), so an admin's <c>--ctstate NEW -j ACCEPT</c> then <c>-j DROP</c>, or any drop of
/// <c>ESTABLISHED</c> that way, lets the opening and its replies through and nothing after. Walked once
/// for every opening a question holds (verdicts only), then asked per box of openings.
/// </summary>
public sealed class LaterPackets
{
    /// <summary>Later packets no rule is asked about: every one passes (frames no iptables sees).</summary>
    public static readonly LaterPackets Pass = new([], [], true);

    private readonly IReadOnlyList<Box> _accepted;
    private readonly IReadOnlyList<Box> _maybe;
    private readonly bool _all;

    private LaterPackets(IReadOnlyList<Box> accepted, IReadOnlyList<Box> maybe, bool all) =>
        (_accepted, _maybe, _all) = (accepted, maybe, all);

    /// <summary>The later packets of <paramref name="openings"/> (NEW packets, as they left the walk), judged by one verdict walk.</summary>
    public static LaterPackets Of(IEnumerable<Box> openings, SymbolicPasses passes)
    {
        var later = new PacketSet([.. openings.Select(Of)]);
        if (later.IsEmpty) return Pass;
        var (accepted, maybe) = passes.Fates(later);
        return new(accepted, maybe, false);
    }

    /// <summary>
    /// The replies of <paramref name="openings"/> (<see cref="ReplyFate.Mirror"/>) the rules accept, and
    /// the fate of their later packets, by one verdict walk of both: a box is accepted or not whatever
    /// it stands for (inside a bridge one pair's replies are the other way's later packets).
    /// </summary>
    public static (IReadOnlyList<Box> AcceptedReplies, LaterPackets Later) WithReplies(IReadOnlyList<Piece> openings, SymbolicPasses passes)
    {
        if (openings.Count == 0) return ([], Pass);
        var (accepted, maybe) = passes.Fates(new PacketSet([.. openings.Select(p => ReplyFate.Mirror(p.Box)), .. openings.Select(p => Of(p.Box))]));
        return (accepted, new(accepted, maybe, false));
    }

    /// <inheritdoc cref="Of(IEnumerable{Box}, SymbolicPasses)"/>
    public static LaterPackets Of(IEnumerable<Piece> openings, SymbolicPasses passes) => Of(openings.Select(p => p.Box), passes);

    /// <summary>
    /// The later packets of a box of openings: ESTABLISHED, TCP's with ACK set (never a bare SYN);
    /// every other field as the opening's, ICMP's types too (a second echo request is an echo request).
    /// </summary>
    public static Box Of(Box opening) => opening
        .With(Dimension.State, IntervalSet.Single((UInt128)(int)ConntrackStates.Established))
        .With(Dimension.TcpFlags, opening[Dimension.TcpFlags].Equals(IntervalSet.Single(0)) ? opening[Dimension.TcpFlags] : Openings.ReplyFlags);

    /// <summary>
    /// The openings of <paramref name="forward"/> some of whose later packets the rules surely drop
    /// (<c>Dying</c>), and those some of whose later packets only may pass (<c>Unsure</c>), on the
    /// fields a flow reports: an opening stands for every later packet of its connection.
    /// </summary>
    public (PacketSet Dying, PacketSet Unsure) Dying(Box forward)
    {
        if (_all) return (PacketSet.Empty, PacketSet.Empty);
        var later = Of(forward);
        var notAccepted = PacketSet.Of(later).Subtract([.. _accepted.Where(b => b.Overlaps(later))]);
        if (notAccepted.IsEmpty) return (PacketSet.Empty, PacketSet.Empty);
        var maybe = _maybe.Where(b => b.Overlaps(later)).ToList();
        var (dead, unsure) = maybe.Count == 0 ? (notAccepted, PacketSet.Empty) : (notAccepted.Subtract(maybe), notAccepted.Intersect(new PacketSet([.. maybe])));
        return (Back(dead, forward), Back(unsure, forward));
    }

    /// <summary>Later packets back to the openings of <paramref name="forward"/> they follow: its values but the reported fields.</summary>
    private static PacketSet Back(PacketSet later, Box forward) => later.IsEmpty ? PacketSet.Empty
        : new PacketSet([.. later.Boxes.Select(d => forward
            .With(Dimension.Src, d[Dimension.Src]).With(Dimension.Dst, d[Dimension.Dst]).With(Dimension.Proto, d[Dimension.Proto])
            .With(Dimension.Sport, d[Dimension.Sport]).With(Dimension.Dport, d[Dimension.Dport]))]);
}
