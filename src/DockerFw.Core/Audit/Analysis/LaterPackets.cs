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
/// for every opening a question holds (verdicts only), then asked per box of openings. A NATed
/// connection's later packets carry its virtual states (<see cref="ConnectionNat"/>): a FORWARD rule on
/// <c>--ctstate SNAT</c> or <c>DNAT</c> meets them.
/// </summary>
public sealed class LaterPackets
{
    /// <summary>Later packets no rule is asked about: every one passes (frames no iptables sees).</summary>
    public static readonly LaterPackets Pass = new([], [], [], true);

    private readonly IReadOnlyList<Box> _asked;
    private readonly IReadOnlyList<Box> _accepted;
    private readonly IReadOnlyList<Box> _maybe;
    private readonly bool _all;

    private LaterPackets(IReadOnlyList<Box> asked, IReadOnlyList<Box> accepted, IReadOnlyList<Box> maybe, bool all) =>
        (_asked, _accepted, _maybe, _all) = (asked, accepted, maybe, all);

    /// <summary>The later packets of <paramref name="openings"/> (NEW packets, as they left the walk) of connections nat left alone, judged by one verdict walk.</summary>
    public static LaterPackets Of(IEnumerable<Box> openings, SymbolicPasses passes) => Walked([.. openings.Select(Of)], passes);

    private static LaterPackets Walked(IReadOnlyList<Box> later, SymbolicPasses passes)
    {
        var asked = new PacketSet([.. later]);
        if (asked.IsEmpty) return Pass;
        var (accepted, maybe) = passes.Fates(asked);
        return new(asked.Boxes, accepted, maybe, false);
    }

    /// <summary>
    /// The replies of <paramref name="openings"/> (<see cref="ReplyFate.Mirror"/>) the rules accept, and
    /// the fate of their later packets, by one verdict walk of both: a box is accepted or not whatever
    /// it stands for (inside a bridge one pair's replies are the other way's later packets).
    /// </summary>
    public static (IReadOnlyList<Box> AcceptedReplies, LaterPackets Later) WithReplies(IReadOnlyList<Piece> openings, SymbolicPasses passes)
    {
        if (openings.Count == 0) return ([], Pass);
        var later = new PacketSet([.. openings.Select(p => Of(p, passes))]);
        var (accepted, maybe) = passes.Fates(new PacketSet([.. openings.Select(p => ReplyFate.Mirror(p.Box))]).Union(later));
        return (accepted, new(later.Boxes, accepted, maybe, false));
    }

    /// <summary>The later packets of <paramref name="openings"/>, each with its connection's virtual states (<see cref="ConnectionNat"/>), judged by one verdict walk.</summary>
    public static LaterPackets Of(IEnumerable<Piece> openings, SymbolicPasses passes) => Walked([.. openings.Select(p => Of(p, passes))], passes);

    /// <summary>The later packets of a piece of openings, with the virtual states its way gave the connection.</summary>
    private static Box Of(Piece opening, SymbolicPasses passes) => Of(opening.Box, ConnectionNat.Of(opening.Region, passes.Rules));

    /// <summary>
    /// The later packets of a box of openings: ESTABLISHED, TCP's with ACK set (never a bare SYN);
    /// every other field as the opening's, ICMP's types too (a second echo request is an echo request).
    /// </summary>
    public static Box Of(Box opening) => Of(opening, ConntrackStates.None);

    /// <summary>The later packets of a box of openings whose connections nat marked <paramref name="nat"/> (SNAT, DNAT).</summary>
    public static Box Of(Box opening, ConntrackStates nat) => ConnectionNat.Established(opening, nat)
        .With(Dimension.TcpFlags, opening[Dimension.TcpFlags].Equals(IntervalSet.Single(0)) ? opening[Dimension.TcpFlags] : Openings.ReplyFlags);

    /// <summary>
    /// The openings of <paramref name="forward"/> some of whose later packets the rules surely drop
    /// (<c>Dying</c>), and those some of whose later packets only may pass (<c>Unsure</c>), on the
    /// fields a flow reports: an opening stands for every later packet of its connection.
    /// </summary>
    public (PacketSet Dying, PacketSet Unsure) Dying(Box forward)
    {
        if (_all) return (PacketSet.Empty, PacketSet.Empty);
        // Those asked for the openings the box holds, in the virtual states their ways gave them.
        var anyState = Of(forward).With(Dimension.State, AnyState);
        var later = new PacketSet([.. _asked.Select(b => b.Intersect(anyState)).OfType<Box>()]);
        if (later.IsEmpty) return (PacketSet.Empty, PacketSet.Empty);
        var notAccepted = later.Subtract([.. _accepted.Where(b => later.Boxes.Any(l => l.Overlaps(b)))]);
        if (notAccepted.IsEmpty) return (PacketSet.Empty, PacketSet.Empty);
        var maybe = _maybe.Where(b => later.Boxes.Any(l => l.Overlaps(b))).ToList();
        var (dead, unsure) = maybe.Count == 0 ? (notAccepted, PacketSet.Empty) : (notAccepted.Subtract(maybe), notAccepted.Intersect(new PacketSet([.. maybe])));
        return (Back(dead, forward), Back(unsure, forward));
    }

    private static readonly IntervalSet AnyState = IntervalSet.Range(0, 127);

    /// <summary>
    /// Later packets back to the openings of <paramref name="forward"/> they follow (<see cref="LaterOpenings"/>),
    /// on the fields a flow reports: its ICMP types and interfaces kept whole.
    /// </summary>
    private static PacketSet Back(PacketSet later, Box forward) => later.IsEmpty ? PacketSet.Empty
        : new PacketSet([.. later.Boxes.Select(d => LaterOpenings.Of(forward, d, LaterOpenings.Flow))]);
}
