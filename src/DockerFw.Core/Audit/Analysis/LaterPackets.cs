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

    // The other fate the later packets may have, when which one is not known (Either).
    private readonly LaterPackets? _or;

    private LaterPackets(IReadOnlyList<Box> asked, IReadOnlyList<Box> accepted, IReadOnlyList<Box> maybe, bool all, LaterPackets? or = null) =>
        (_asked, _accepted, _maybe, _all, _or) = (asked, accepted, maybe, all, or);

    /// <summary>
    /// The later packets of <paramref name="openings"/> whose replies the host's conntrack never sees
    /// (oracle F46, <see cref="ReplyWay.Tracked"/>): the connection stays unreplied. TCP's tracker finds
    /// the handshake's ACK and the data an invalid transition (an ACK in the original direction of a
    /// SYN_SENT entry): INVALID, with no connection and so no virtual state. A UDP flow's next datagrams,
    /// a second echo request and the protocols conntrack tracks generically stay the entry's NEW (with
    /// its virtual states; nat is not asked again). DCCP's and SCTP's own trackers check the handshake
    /// too (DCCP's finds an ACK or data in REQUEST invalid; SCTP's checks a data chunk's verification tag
    /// against the one only the INIT ACK teaches), so where the kernel has them theirs are INVALID, where
    /// it does not NEW, and where that is unknown either (<paramref name="tracker"/>). A <c>ct state
    /// invalid drop</c> (firewalld's) then lets every SYN through and nothing after.
    /// </summary>
    public static LaterPackets Unconfirmed(IEnumerable<Piece> openings, SymbolicPasses passes, Func<int, bool?> tracker)
    {
        var nated = openings.Select(p => (p.Box, Nat: ConnectionNat.Of(p.Region))).ToList();
        LaterPackets With(IntervalSet invalid) => Walked([.. nated.SelectMany(x => Unconfirmed(x.Box, x.Nat, invalid))], passes);
        var (sure, maybe) = InvalidWhenUnreplied(tracker);
        var surely = With(sure);
        return nated.All(x => x.Box[Dimension.Proto].Intersect(maybe).IsEmpty) ? surely : Either(With(sure.Union(maybe)), surely);
    }

    /// <summary>
    /// The protocols whose later packets conntrack surely finds INVALID when the connection saw no reply
    /// (TCP; DCCP and SCTP where the kernel has their trackers: <see cref="HostSettings.HasTracker"/>),
    /// and those it may (their trackers not known). The rest are tracked generically: NEW.
    /// </summary>
    public static (IntervalSet Sure, IntervalSet Maybe) InvalidWhenUnreplied(Func<int, bool?> tracker)
    {
        var (sure, maybe) = (IntervalSet.Single(Protocol.Tcp), IntervalSet.Empty);
        foreach (var protocol in new[] { 33, Protocol.Sctp })
            switch (tracker(protocol))
            {
                case true: sure = sure.Union(IntervalSet.Single((UInt128)protocol)); break;
                case null: maybe = maybe.Union(IntervalSet.Single((UInt128)protocol)); break;
            }

        return (sure, maybe);
    }

    /// <summary>
    /// The later packets of a box of openings of unreplied connections: INVALID (TCP's with ACK set)
    /// for the protocols of <paramref name="invalid"/>, NEW with the connection's virtual states for the rest.
    /// </summary>
    internal static IEnumerable<Box> Unconfirmed(Box opening, ConntrackStates nat, IntervalSet invalid)
    {
        var protocols = opening[Dimension.Proto];
        if (!protocols.Intersect(invalid).IsEmpty)
        {
            var dead = opening.With(Dimension.Proto, protocols.Intersect(invalid)).With(Dimension.State, IntervalSet.Single((UInt128)(int)ConntrackStates.Invalid));
            yield return dead[Dimension.TcpFlags].Equals(IntervalSet.Single(0)) ? dead : dead.With(Dimension.TcpFlags, Openings.ReplyFlags);
        }

        if (!protocols.Subtract(invalid).IsEmpty)
            yield return opening.With(Dimension.Proto, protocols.Subtract(invalid))
                .With(Dimension.State, IntervalSet.Single((UInt128)(int)(ConntrackStates.New | (nat & (ConntrackStates.Snat | ConntrackStates.Dnat)))));
    }

    /// <summary>
    /// Later packets that have one fate or the other, which one unknown (whether the host's conntrack
    /// sees the replies: br_netfilter unknown): an opening's later packets surely die only where they
    /// die either way, and only may pass wherever they die or may die in one.
    /// </summary>
    public static LaterPackets Either(LaterPackets one, LaterPackets other) =>
        one._all && other._all ? Pass : new(one._asked, one._accepted, one._maybe, one._all, other);

    /// <summary>The later packets of <paramref name="openings"/> (NEW packets, as they left the walk) of connections nat left alone, judged by one verdict walk.</summary>
    public static LaterPackets Of(IEnumerable<Box> openings, SymbolicPasses passes) => Walked([.. openings.Select(Of)], passes);

    private static LaterPackets Walked(IReadOnlyList<Box> later, SymbolicPasses passes)
    {
        var asked = new PacketSet([.. later]);
        if (asked.IsEmpty) return Pass;
        var (accepted, maybe) = passes.Fates(asked, told: ToldConnection.Original);
        return new(asked.Boxes, accepted, maybe, false);
    }

    /// <summary>
    /// The replies of <paramref name="openings"/> (<see cref="ReplyFate.Mirror"/>) the rules accept, and
    /// the fate of their later packets, by one verdict walk of both: a box is accepted or not whatever
    /// it stands for (inside a bridge one pair's replies are the other way's later packets).
    /// </summary>
    public static (IReadOnlyList<Box> AcceptedReplies, IReadOnlyList<Box> MaybeReplies, LaterPackets Later) WithReplies(IReadOnlyList<Piece> openings, SymbolicPasses passes)
    {
        if (openings.Count == 0) return ([], [], Pass);
        var later = new PacketSet([.. openings.Select(p => Of(p, passes))]);
        // A rule on the connection's direction or original tuple tells a reply from the other way's later
        // packet though they are the same packets: each is walked as what it is (ToldConnection).
        if (ToldConnection.Tested(passes.Rules)) return Apart(openings, later, passes);
        // A NATed connection's replies carry its virtual states (oracle F45): the accepted ones are given
        // as ESTABLISHED alone, as ReplyFate.Split asks them, where some rule tests the states.
        var nated = ConnectionNat.Tested(passes.Rules);
        var replies = openings.SelectMany(p => nated ? ConnectionNat.Replies(ReplyFate.Mirror(p.Box), ConnectionNat.Of(p.Region)) : [ReplyFate.Mirror(p.Box)]).ToList();
        var refused = passes.Refused(replies.Concat(later.Boxes), answers: true);
        IEnumerable<Box> Asked(IEnumerable<Box> boxes) => nated ? boxes.Select(ConnectionNat.AsMirrored) : boxes;
        return ([.. Asked(replies.SelectMany(refused.AcceptedOf))], [.. Asked(replies.SelectMany(refused.MaybeOf))],
            new(later.Boxes, [.. later.Boxes.SelectMany(refused.AcceptedOf)], [.. later.Boxes.SelectMany(refused.MaybeOf)], false));
    }

    /// <summary>The replies told as replies, the later packets as the requests' (<see cref="WithReplies"/>), by two verdict walks.</summary>
    private static (IReadOnlyList<Box> AcceptedReplies, IReadOnlyList<Box> MaybeReplies, LaterPackets Later) Apart(IReadOnlyList<Piece> openings, PacketSet later, SymbolicPasses passes)
    {
        var replies = new PacketSet([.. openings.Select(p => ConnectionNat.Established(ReplyFate.Mirror(p.Box), ConnectionNat.Of(p.Region)))]);
        var (accepted, maybe) = passes.Fates(replies, answers: true, told: ToldConnection.Replies);
        var (laterAccepted, laterMaybe) = passes.Fates(later, answers: true, told: ToldConnection.Original);
        return ([.. accepted.Select(ConnectionNat.AsMirrored)], [.. maybe.Select(ConnectionNat.AsMirrored)], new(later.Boxes, laterAccepted, laterMaybe, false));
    }

    /// <summary>The later packets of <paramref name="openings"/>, each with its connection's virtual states (<see cref="ConnectionNat"/>), judged by one verdict walk.</summary>
    public static LaterPackets Of(IEnumerable<Piece> openings, SymbolicPasses passes) => Walked([.. openings.Select(p => Of(p, passes))], passes);

    /// <summary>The later packets of a piece of openings, with the virtual states its way gave the connection.</summary>
    private static Box Of(Piece opening, SymbolicPasses passes) => Of(opening.Box, ConnectionNat.Of(opening.Region));

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
        return _or is { } other ? EitherFate(Own(forward), other.Dying(forward)) : Own(forward);
    }

    /// <summary>
    /// Two fates of the same openings' later packets, which one holds unknown (<see cref="Either"/>):
    /// they surely die only where they die in both, and only may pass wherever they die or may in one.
    /// </summary>
    internal static (PacketSet Dying, PacketSet Unsure) EitherFate((PacketSet Dying, PacketSet Unsure) one, (PacketSet Dying, PacketSet Unsure) other)
    {
        var dead = one.Dying.Intersect(other.Dying);
        return (dead, one.Dying.Union(one.Unsure).Union(other.Dying).Union(other.Unsure).Subtract(dead));
    }

    private (PacketSet Dying, PacketSet Unsure) Own(Box forward)
    {
        if (_all) return (PacketSet.Empty, PacketSet.Empty);
        // Those asked for the openings the box holds, in the virtual states their ways gave them.
        var anyState = Of(forward).With(Dimension.State, AnyState);
        var later = new PacketSet([.. Near(_asked, ref _askedIndex, [anyState]).Select(b => b.Intersect(anyState)).OfType<Box>()]);
        if (later.IsEmpty) return (PacketSet.Empty, PacketSet.Empty);
        var notAccepted = later.Subtract(Near(_accepted, ref _acceptedIndex, later.Boxes));
        if (notAccepted.IsEmpty) return (PacketSet.Empty, PacketSet.Empty);
        var maybe = Near(_maybe, ref _maybeIndex, later.Boxes);
        var (dead, unsure) = maybe.Count == 0 ? (notAccepted, PacketSet.Empty) : (notAccepted.Subtract(maybe), notAccepted.Intersect(new PacketSet([.. maybe])));
        return (Back(dead, forward), Back(unsure, forward));
    }

    private static readonly IntervalSet AnyState = IntervalSet.Range(0, 127);

    // Past this many boxes the ones a question meets are found by an index (BoxIndex): a swarm node's
    // openings are one per service port, and each opening's question met every box of every other.
    private const int Indexed = 64;

    private BoxIndex? _askedIndex;
    private BoxIndex? _acceptedIndex;
    private BoxIndex? _maybeIndex;

    /// <summary>The boxes of <paramref name="boxes"/> that overlap one of <paramref name="near"/>, in their order.</summary>
    private static List<Box> Near(IReadOnlyList<Box> boxes, ref BoxIndex? index, IReadOnlyList<Box> near)
    {
        if (boxes.Count <= Indexed) return [.. boxes.Where(b => near.Any(n => n.Overlaps(b)))];
        index ??= new BoxIndex(boxes);
        var found = new SortedSet<int>();
        foreach (var n in near) found.UnionWith(index.Overlapping(n));
        return [.. found.Select(i => boxes[i])];
    }

    /// <summary>
    /// Later packets back to the openings of <paramref name="forward"/> they follow (<see cref="LaterOpenings"/>),
    /// on the fields a flow reports: its ICMP types narrowed, its interfaces kept whole.
    /// </summary>
    private static PacketSet Back(PacketSet later, Box forward) => later.IsEmpty ? PacketSet.Empty
        : new PacketSet([.. later.Boxes.Select(d => LaterOpenings.Of(forward, d, LaterOpenings.Flow))]);
}
