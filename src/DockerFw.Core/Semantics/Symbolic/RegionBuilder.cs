using System.Collections.Immutable;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// Groups the finished flows into regions. Flows that assumed an outcome of an undecidable rule
/// overlap (both outcomes were walked): a packet on such flows gets their common verdict when they
/// all agree and MAYBE otherwise, and is counted once, in the first flow that holds it.
/// </summary>
internal static class RegionBuilder
{
    /// <summary>
    /// The rules listed per region. A way through chains reached by many jumps can match 2^40 rules;
    /// past this many the region lists the first ones and counts the rest. Regions whose ways differ
    /// only after the cut are told apart by the length and a hash of the whole way (<see cref="Trail{T}.Hash"/>).
    /// </summary>
    public const int MaxRules = 1000;

    /// <param name="finals">The walk's final flows, in their order.</param>
    /// <param name="mergeSwept">
    /// Whether <see cref="CoverSweep"/> merges the pieces it cuts; false only for the bench's comparison
    /// with the pieces as cut (the same packets in more boxes).
    /// </param>
    public static ImmutableArray<ReachRegion> Build(IReadOnlyList<FinalFlow> finals, bool mergeSwept = true)
    {
        // Verdicts in the order they first appear, ACCEPT last: a walk that keeps every way accepts only
        // at the end of the path, after every other verdict, but an owned flow's ACCEPT can be final
        // earlier (AcceptOnly), and it must not move ACCEPT's group ahead of DROP's or REJECT's.
        finals = [.. finals.GroupBy(f => f.Verdict).OrderBy(g => g.Key == ReachVerdict.Accept ? 1 : 0)
            .SelectMany(g => Siblings.Merge([.. g.Select(f => f.Flow)]).Select(f => new FinalFlow(f, g.Key)))];
        var groups = new Dictionary<string, (ReachVerdict Verdict, List<Box> Boxes, Way Way)>();

        void Add(ReachVerdict verdict, Way way, IEnumerable<Box> boxes)
        {
            var key = $"{verdict}|{way.Key}";
            if (!groups.TryGetValue(key, out var group))
                groups[key] = group = (verdict, [], way);
            group.Boxes.AddRange(boxes);
        }

        var doubtful = new List<FinalFlow>();
        // Owned flows (Ownership) hold only packets earlier flows own: they give no region a way, only
        // another verdict to packets the first verdict's flows own.
        var owned = new List<FinalFlow>();
        foreach (var final in finals)
        {
            if (final.Flow.Owned) owned.Add(final);
            else if (final.Flow.Doubts is null) Add(final.Verdict, Way.Of(final.Flow), [final.Flow.Box]);
            else doubtful.Add(final);
        }

        if (doubtful.Count > 0 || owned.Count > 0)
        {
            // A packet is counted in the first doubtful flow that holds it: what a flow adds is its box
            // less the earlier flows' boxes. The flows of 2^k ways through k undecidable rules share a
            // few boxes (28,604 flows, a few hundred boxes on a 404-rule host): each distinct box is
            // taken by its first flow and knows every verdict its flows reach, and an index finds the
            // boxes that overlap. Subtracting overlapping boxes one after the other is exact, so
            // neither needs a disjoint union.
            var distinct = new Dictionary<Box, int>();
            var boxes = new List<Box>();
            // The verdicts each box's flows reach, one bit per verdict.
            var verdicts = new List<int>();
            var first = new List<int>();
            for (var i = 0; i < doubtful.Count; i++)
            {
                var box = doubtful[i].Flow.Box;
                if (!distinct.TryGetValue(box, out var k))
                {
                    distinct[box] = k = boxes.Count;
                    boxes.Add(box);
                    verdicts.Add(0);
                    first.Add(i);
                }

                verdicts[k] |= 1 << (int)doubtful[i].Verdict;
            }

            // Owned boxes come after every box a flow owns, so no piece is cut by them.
            // None ends in the first verdict (Ownership drops those), so only their union matters.
            var owners = boxes.Count;
            var otherVerdicts = owned.Aggregate(0, (bits, f) => bits | 1 << (int)f.Verdict);
            foreach (var box in BoxMerge.Merge(owned.Select(f => f.Flow.Box)))
            {
                boxes.Add(box);
                verdicts.Add(otherVerdicts);
            }

            var index = new BoxIndex(boxes);
            for (var k = 0; k < owners; k++)
            {
                var final = doubtful[first[k]];
                var near = index.Overlapping(boxes[k]);
                near.Sort();
                var piece = PacketSet.Of(boxes[k]).Subtract([.. near.Where(j => j < k).Select(j => boxes[j])]);
                if (piece.IsEmpty) continue;
                var others = near.Where(j => (verdicts[j] & ~(1 << (int)final.Verdict)) != 0).Select(j => boxes[j]).ToList();
                var way = Way.Of(final.Flow);
                if (near.Any(j => j >= owners))
                {
                    // Owned boxes come by the thousand (every way of the TUM dumps after their first
                    // DROP): cut by which of them hold a packet, not one subtraction after another.
                    var (maybe, sure) = (new List<Box>(), new List<Box>());
                    foreach (var box in piece.Boxes) CoverSweep.Split(box, others, maybe, sure, mergeSwept);
                    Add(final.Verdict, way, sure);
                    Add(ReachVerdict.Maybe, way, maybe);
                    continue;
                }

                var agreed = piece.Subtract(others);
                Add(final.Verdict, way, agreed.Boxes);
                Add(ReachVerdict.Maybe, way, piece.Subtract(agreed).Boxes);
            }
        }

        return [.. groups.Values
            .Where(g => g.Boxes.Count > 0)
            .Select(g => new ReachRegion(g.Verdict, new PacketSet([.. g.Boxes]), [.. g.Way.Rules], [.. g.Way.Doubts]) { RulesOmitted = g.Way.Omitted, Nat = g.Way.Nat })];
    }

    /// <summary>
    /// What a region keeps of a flow's way: its first rules, how many more it matched, the undecidable
    /// rules it assumed, the virtual states its NAT gave the connection, and the key that tells regions
    /// apart by them (the verdict aside). Made once per flow: a doubtful flow gives its way to its
    /// verdict's region and to MAYBE's. The NAT is in the key even where no rule is listed (a
    /// verdict-only walk): the connections' later packets and replies carry it (oracle F45).
    /// </summary>
    private readonly record struct Way(ResponsibleRule[] Rules, long Omitted, ResponsibleRule[] Doubts, ConntrackStates Nat, string Key)
    {
        public static Way Of(Flow flow)
        {
            var rules = Trail<ResponsibleRule>.OldestFirst(flow.Trail, MaxRules).ToArray();
            var omitted = (flow.Trail?.Count ?? 0) - rules.Length;
            var doubts = Trail<Assumption>.Distinct(flow.Doubts).Select(a => a.Rule).Distinct().ToArray();
            var rest = omitted > 0 ? $"{omitted}:{flow.Trail!.Hash}" : "";
            var nat = NatOf(flow);
            return new(rules, omitted, doubts, nat, $"{string.Join(",", rules)}|{rest}|{string.Join(",", doubts)}|{(int)nat}");
        }

        /// <summary>
        /// The virtual states the flow's view added to the states its packets arrived in (a DNAT that
        /// changed the tuple, a SNAT), and UNTRACKED where a NOTRACK took them out of conntrack: their
        /// connection then has no entry, nothing NATs them, and their answers are new to conntrack (oracle F61).
        /// </summary>
        private static ConntrackStates NatOf(Flow flow)
        {
            if (flow.View.States is not { } map) return ConntrackStates.None;
            var added = 0;
            foreach (var (first, last) in flow.Box[Dimension.State].Ranges)
                for (var state = (int)first; state <= (int)last; state++) added |= map[state] & ~state;
            return (ConntrackStates)added & (ConntrackStates.Snat | ConntrackStates.Dnat | ConntrackStates.Untracked);
        }
    }
}
