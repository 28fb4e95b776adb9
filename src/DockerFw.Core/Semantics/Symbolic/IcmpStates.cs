using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// The conntrack states an ICMP or ICMPv6 message can arrive in, by its type
/// (nf_conntrack_proto_icmp.c, nf_conntrack_proto_icmpv6.c). Only a query opens a connection (NEW,
/// then ESTABLISHED for its retransmits): ICMP's echo (8), timestamp (13), information (15) and
/// address mask (17) requests, ICMPv6's echo request (128) and node information query (139). Their
/// replies are ESTABLISHED in a query's connection and INVALID without one (icmp_packet returns
/// -NF_ACCEPT: no entry, <c>--ctstate INVALID</c> matches, <c>NEW</c> does not). The errors (ICMP's
/// 3, 4, 5, 11, 12; every ICMPv6 type below 128) are RELATED to the connection of the packet they
/// quote, INVALID without one. ICMPv6's listener and neighbour discovery (130-136, 143) is UNTRACKED
/// whatever came before (<c>noct_valid_new</c>). Any other type (a router advertisement, ICMPv6's
/// redirect 137...) gets no entry: INVALID. Every type may also arrive INVALID (a truncated or
/// badly summed message) or UNTRACKED (notrack), as every protocol may.
/// A box of NEW ICMP over every type held packets no kernel makes: a rule set that drops INVALID
/// first and accepts ICMP echo replies was said to open ICMP connections it never carries (oracle F39).
/// The space itself is cut to these (<see cref="PacketSpace.Universe"/>), so every question is, asked
/// in some states or not: a rule matching only NEW echo replies matches no packet of a whole-space walk
/// (<c>RuleArrivals</c>), as it matches none the kernel makes.
/// </summary>
public static class IcmpStates
{
    // Each query with the type of its reply (icmp.c's invmap: echo 8 -> 0, timestamp 13 -> 14,
    // information 15 -> 16, address mask 17 -> 18; icmpv6.c's: echo 128 -> 129, node information 139 -> 140).
    private static readonly (int Query, int Reply)[] V4Answers = [(8, 0), (13, 14), (15, 16), (17, 18)];
    private static readonly (int Query, int Reply)[] V6Answers = [(128, 129), (139, 140)];
    private static readonly IntervalSet V4Queries = IntervalSet.FromValues(V4Answers.Select(a => (UInt128)a.Query));
    private static readonly IntervalSet V4Replies = IntervalSet.FromValues(V4Answers.Select(a => (UInt128)a.Reply));
    private static readonly IntervalSet V4Errors = IntervalSet.FromValues([3, 4, 5, 11, 12]);
    private static readonly IntervalSet V6Queries = IntervalSet.FromValues(V6Answers.Select(a => (UInt128)a.Query));
    private static readonly IntervalSet V6Replies = IntervalSet.FromValues(V6Answers.Select(a => (UInt128)a.Reply));
    private static readonly IntervalSet V6Errors = IntervalSet.Range(0, 127);
    private static readonly IntervalSet V6Untracked = IntervalSet.Range(130, 136).Union(IntervalSet.Single(143));

    /// <summary>The types that open a connection: NEW is possible for them alone.</summary>
    public static IntervalSet Queries(IpFamily family) => family == IpFamily.V4 ? V4Queries : V6Queries;

    /// <summary>The types conntrack never tracks: ICMPv6's 130-136 and 143 (none of ICMP's).</summary>
    public static IntervalSet Untracked(IpFamily family) => family == IpFamily.V4 ? IntervalSet.Empty : V6Untracked;

    /// <summary>The types a query's connection answers with (ESTABLISHED there, INVALID elsewhere).</summary>
    public static IntervalSet Replies(IpFamily family) => family == IpFamily.V4 ? V4Replies : V6Replies;

    /// <summary>The type a query is answered with (an echo reply to an echo request); null for a type that opens nothing.</summary>
    public static int? ReplyOf(IpFamily family, int type) =>
        Answers(family).Where(a => a.Query == type).Select(a => (int?)a.Reply).FirstOrDefault();

    /// <summary>The reply types of the queries among <paramref name="types"/>: what a box of requests is answered with (the other types are answered by nothing).</summary>
    public static IntervalSet RepliesTo(IpFamily family, IntervalSet types) =>
        IntervalSet.FromValues(Answers(family).Where(a => types.Contains((UInt128)a.Query)).Select(a => (UInt128)a.Reply));

    /// <summary>The query types the replies among <paramref name="types"/> answer: the requests a box of replies belongs to.</summary>
    public static IntervalSet QueriesAnswered(IpFamily family, IntervalSet types) =>
        IntervalSet.FromValues(Answers(family).Where(a => types.Contains((UInt128)a.Reply)).Select(a => (UInt128)a.Query));

    /// <summary>
    /// The ICMP types of <paramref name="request"/> that a box of their replies answers: the queries of
    /// the reply types it holds (a timestamp reply 14 answers the timestamp requests 13), of ICMP and
    /// ICMPv6 by the protocols it holds; the request's own types where it holds none of those queries.
    /// A box of other protocols has type 0 both ways, which is ICMP's echo reply: the other space's box
    /// of "every other protocol" holds protocol 1 too, so it would map to echo requests, which it lacks.
    /// </summary>
    public static IntervalSet Answered(Box reply, Box request)
    {
        var queries = IntervalSet.Empty;
        if (reply[Dimension.Proto].Contains(Protocol.Icmp)) queries = queries.Union(QueriesAnswered(IpFamily.V4, reply[Dimension.IcmpType]));
        if (reply[Dimension.Proto].Contains(Protocol.IcmpV6)) queries = queries.Union(QueriesAnswered(IpFamily.V6, reply[Dimension.IcmpType]));
        var answered = request[Dimension.IcmpType].Intersect(queries);
        return answered.IsEmpty ? request[Dimension.IcmpType] : answered;
    }

    private static (int Query, int Reply)[] Answers(IpFamily family) => family == IpFamily.V4 ? V4Answers : V6Answers;

    /// <summary>The error types, RELATED to the connection of the packet they quote.</summary>
    public static IntervalSet Errors(IpFamily family) => family == IpFamily.V4 ? V4Errors : V6Errors;

    /// <summary>
    /// The types cut into groups, each with the states its messages can arrive in; the groups cover
    /// every type once.
    /// </summary>
    public static IReadOnlyList<(IntervalSet Types, IntervalSet States)> Arrivals(IpFamily family) =>
        family == IpFamily.V4 ? V4Arrivals : V6Arrivals;

    /// <summary>
    /// The state a message of the type has when it comes with no connection before it (a sender's
    /// first packet): NEW for a query, UNTRACKED for ICMPv6's discovery, INVALID for the rest.
    /// </summary>
    public static ConntrackStates Unsolicited(IpFamily family, int type) =>
        Queries(family).Contains((UInt128)type) ? ConntrackStates.New
        : Untracked(family).Contains((UInt128)type) ? ConntrackStates.Untracked
        : ConntrackStates.Invalid;

    /// <summary>The states a message of the type can arrive in.</summary>
    public static ConntrackStates Possible(IpFamily family, int type)
    {
        var states = Arrivals(family).Single(a => a.Types.Contains((UInt128)type)).States;
        return states.Ranges.SelectMany(r => Enumerable.Range((int)r.First, (int)(r.Last - r.First) + 1))
            .Aggregate(ConntrackStates.None, (s, v) => s | (ConntrackStates)v);
    }

    /// <summary>
    /// The box's messages of the family's ICMP cut to the states their types can arrive in, one box
    /// per group of types it holds; a box that holds another protocol too keeps it apart, as it is.
    /// </summary>
    public static IEnumerable<Box> Feasible(IpFamily family, Box box)
    {
        var icmp = IntervalSet.Single((UInt128)(family == IpFamily.V4 ? Protocol.Icmp : Protocol.IcmpV6));
        if (!box[Dimension.Proto].Overlaps(icmp))
        {
            yield return box;
            yield break;
        }

        var others = box[Dimension.Proto].Subtract(icmp);
        if (!others.IsEmpty) yield return box.With(Dimension.Proto, others);
        var messages = box.With(Dimension.Proto, icmp);
        foreach (var (types, states) in Arrivals(family))
        {
            var t = messages[Dimension.IcmpType].Intersect(types);
            var s = messages[Dimension.State].Intersect(states);
            if (!t.IsEmpty && !s.IsEmpty) yield return messages.With(Dimension.IcmpType, t).With(Dimension.State, s);
        }
    }

    /// <summary>
    /// Whether ICMP messages of these types and states are every one those states allow (so they read
    /// as all of ICMP): the queries among NEW packets, every type among packets of any state. Packets
    /// in no state conntrack gives (a fleet cell's neutral packets, the openings of connections) are
    /// asked about the queries.
    /// </summary>
    public static bool Whole(IpFamily family, IntervalSet types, IntervalSet states)
    {
        var allowed = Arrivals(family).Where(a => a.States.Overlaps(states)).Aggregate(IntervalSet.Empty, (s, a) => s.Union(a.Types));
        return (allowed.IsEmpty ? Queries(family) : allowed).IsSubsetOf(types);
    }

    private static readonly IntervalSet Anyway = States(ConntrackStates.Invalid, ConntrackStates.Untracked);

    private static readonly IReadOnlyList<(IntervalSet, IntervalSet)> V4Arrivals = Groups(V4Queries, V4Replies, V4Errors, IntervalSet.Empty);

    private static readonly IReadOnlyList<(IntervalSet, IntervalSet)> V6Arrivals = Groups(V6Queries, V6Replies, V6Errors, V6Untracked);

    private static List<(IntervalSet, IntervalSet)> Groups(IntervalSet queries, IntervalSet replies, IntervalSet errors, IntervalSet untracked)
    {
        var rest = IntervalSet.Range(0, 255).Subtract(queries).Subtract(replies).Subtract(errors).Subtract(untracked);
        List<(IntervalSet, IntervalSet)> groups =
        [
            (queries, Anyway.Union(States(ConntrackStates.New, ConntrackStates.Established))),
            (replies, Anyway.Union(States(ConntrackStates.Established))),
            (errors, Anyway.Union(States(ConntrackStates.Related))),
        ];
        if (!untracked.IsEmpty) groups.Add((untracked, Anyway));
        groups.Add((rest, Anyway));
        return groups;
    }

    private static IntervalSet States(params ConntrackStates[] states) => IntervalSet.FromValues(states.Select(s => (UInt128)(int)s));
}
