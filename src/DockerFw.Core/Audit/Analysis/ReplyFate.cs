using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// Whether the replies to allowed NEW packets come back, packet by packet. A box of allowed packets is
/// cut where that changes, so each part has one kind: a drop of replies to one port (a DOCKER-USER
/// drop of a host port, an nft drop of a container port) makes only the connections from that source
/// port one-way, and a drop of replies to some of a network's addresses (<c>-d 172.30.10.0/25</c>, an
/// ipset with a <c>nomatch</c> entry) only the connections from those sources (oracle F34), not every
/// connection the box holds.
/// </summary>
public static class ReplyFate
{
    public const string Connection = "connection";

    public const string OneWay = "one-way";

    /// <summary>
    /// The opening packet passes and its replies come back, but the requests' later packets (the
    /// handshake's ACK, the data, a second echo request: ESTABLISHED the request's way) die: no
    /// connection carries data (oracle F38: an admin's <c>--ctstate NEW -j ACCEPT</c> then <c>-j DROP</c>).
    /// </summary>
    public const string OpeningOnly = "opening-only";

    /// <summary>
    /// The parts of a box of NEW packets, each with its kind: <c>one-way</c> where some reply is not
    /// among the accepted ones, else <c>opening-only</c> where some later packet of the request dies
    /// (<paramref name="later"/>), else <c>connection</c>; possible where a later packet only may pass.
    /// Exact on the fields a flow reports (protocol, ports both ways, ICMP types, source and destination
    /// addresses); over the others (TCP flags) a part is one-way, or opening-only, when its replies, or
    /// its later packets, die for any of them.
    /// </summary>
    public static IEnumerable<(Box Box, string Kind, bool Possible)> Split(Box forward, IReadOnlyList<Box> acceptedReplies, LaterPackets later, IntervalSet? replyIn = null,
        IReadOnlyList<Box>? maybeReplies = null)
    {
        var mirror = Mirror(forward, replyIn);
        var missing = PacketSet.Of(mirror).Subtract([.. acceptedReplies.Where(b => b.Overlaps(mirror))]);
        // A reply the engine cannot decide (a rule on the connection's direction, which ESTABLISHED
        // packets do not show it) is not a dropped one: its connections are only possible.
        var undecided = maybeReplies is null || missing.IsEmpty ? PacketSet.Empty
            : new PacketSet([.. maybeReplies.Where(b => b.Overlaps(mirror)).SelectMany(b => missing.Intersect(b).Boxes)]);
        var dead = undecided.IsEmpty ? missing : missing.Subtract([.. undecided.Boxes]);
        PacketSet Requests(PacketSet replies) => replies.Boxes.Aggregate(PacketSet.Empty, (s, d) => s.Union(PacketSet.Of(Answered(d, forward))));
        var oneWay = Requests(dead);
        var mayBeOneWay = Requests(undecided).Subtract([.. oneWay.Boxes]);
        var answered = dead.IsEmpty && mayBeOneWay.IsEmpty ? PacketSet.Of(forward) : PacketSet.Of(forward).Subtract([.. oneWay.Boxes]).Subtract([.. mayBeOneWay.Boxes]);
        var (openingOnly, unsure) = later.Dying(forward);
        var parts = openingOnly.IsEmpty && unsure.IsEmpty
            ? answered.Boxes.Select(b => (b, Connection, false))
            : answered.Subtract(openingOnly).Subtract(unsure).Boxes.Select(b => (b, Connection, false))
                .Concat(answered.Intersect(unsure).Subtract(openingOnly).Boxes.Select(b => (b, Connection, true)))
                .Concat(answered.Intersect(openingOnly).Boxes.Select(b => (b, OpeningOnly, false)));
        return parts.Concat(mayBeOneWay.Boxes.Select(b => (b, Connection, true))).Concat(oneWay.Boxes.Select(b => (b, OneWay, false)));
    }

    /// <summary>
    /// The replies to a box of NEW packets: addresses, ports and interfaces swapped, ESTABLISHED. A
    /// reply that enters the host by another interface than the request left by (a multi-homed
    /// server answering from its other network, <see cref="ReplyWay"/>) has it as <paramref name="replyIn"/>.
    /// </summary>
    public static Box Mirror(Box b, IntervalSet? replyIn = null)
    {
        IntervalSet[] sets =
        [
            b[Dimension.Dst], b[Dimension.Src], b[Dimension.Proto], b[Dimension.Dport], b[Dimension.Sport], ReplyTypes(b),
            IntervalSet.Single((UInt128)(int)Model.Values.ConntrackStates.Established),
            replyIn ?? b[Dimension.Out], b[Dimension.In],
            // Replies of TCP carry ACK (SYN,ACK, then ACK, FIN,ACK...: Openings.ReplyFlags), never a bare
            // SYN; other protocols keep theirs (0).
            b[Dimension.TcpFlags].Equals(IntervalSet.Single(0)) ? b[Dimension.TcpFlags] : Openings.ReplyFlags,
        ];
        return new Box(sets, PacketSpace.ArrivalMark);
    }

    /// <summary>
    /// The ICMP types of the replies to a box's queries, of its own protocol (<see cref="IcmpStates.RepliesTo"/>:
    /// an echo reply to an echo request, a timestamp reply (14) to a timestamp request (13), ICMPv6's 129
    /// to its 128, 140 to its node information query 139). A box of other protocols keeps its types (0:
    /// the space gives them no other), as does a box of ICMP without a query, which no connection answers
    /// (no NEW box holds one: oracle F39). Only echo requests were mapped before: a box of timestamp
    /// requests was answered by timestamp requests, so a drop of their replies was missed (oracle F39's left).
    /// </summary>
    private static IntervalSet ReplyTypes(Box b)
    {
        var types = b[Dimension.IcmpType];
        var replies = IntervalSet.Empty;
        // The box's protocol tells its family: ICMP (1) is the ICMP of IPv4's space alone, ICMPv6 (58) of
        // IPv6's, and the other space gives either one type 0, which is no query of either.
        if (b[Dimension.Proto].Contains(Model.Values.Protocol.Icmp)) replies = replies.Union(IcmpStates.RepliesTo(Model.Values.IpFamily.V4, types));
        if (b[Dimension.Proto].Contains(Model.Values.Protocol.IcmpV6)) replies = replies.Union(IcmpStates.RepliesTo(Model.Values.IpFamily.V6, types));
        return replies.IsEmpty ? types : replies;
    }

    /// <summary>
    /// The NEW packets of the box that a box of its replies answers, on the fields a flow reports (ICMP's
    /// queries by their replies' types: a drop of timestamp replies leaves echo a connection); the
    /// others keep the forward box's values, as a flow does not name them.
    /// </summary>
    internal static Box Answered(Box reply, Box forward) => forward
        .With(Dimension.Src, reply[Dimension.Dst])
        .With(Dimension.Dst, reply[Dimension.Src])
        .With(Dimension.Proto, reply[Dimension.Proto])
        .With(Dimension.Sport, reply[Dimension.Dport])
        .With(Dimension.Dport, reply[Dimension.Sport])
        .With(Dimension.IcmpType, IcmpStates.Answered(reply, forward));
}
