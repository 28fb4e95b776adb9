using System.Collections.Immutable;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// Groups the finished flows into regions. Flows that assumed an outcome of an undecidable rule
/// overlap (both outcomes were walked): a packet on such flows gets their common verdict when they
/// all agree and MAYBE otherwise, and is counted once, in the first flow that holds it.
/// </summary>
internal static class RegionBuilder
{
    public static ImmutableArray<ReachRegion> Build(IReadOnlyList<FinalFlow> finals)
    {
        var groups = new Dictionary<string, (ReachVerdict Verdict, List<Box> Boxes, ResponsibleRule[] Rules, ResponsibleRule[] Doubts)>();

        void Add(ReachVerdict verdict, Flow flow, IEnumerable<Box> boxes)
        {
            var rules = Trail.OldestFirst(flow.Trail).ToArray();
            var doubts = Trail.OldestFirst(flow.Doubts).Distinct().ToArray();
            var key = $"{verdict}|{string.Join(",", rules)}|{string.Join(",", doubts)}";
            if (!groups.TryGetValue(key, out var group))
                groups[key] = group = (verdict, [], rules, doubts);
            group.Boxes.AddRange(boxes);
        }

        var doubtful = new List<FinalFlow>();
        foreach (var final in finals)
        {
            if (final.Flow.Doubts is null) Add(final.Verdict, final.Flow, [final.Flow.Box]);
            else doubtful.Add(final);
        }

        if (doubtful.Count > 0)
        {
            var byVerdict = doubtful.GroupBy(f => f.Verdict)
                .ToDictionary(g => g.Key, g => g.Aggregate(PacketSet.Empty, (s, f) => s.Union(PacketSet.Of(f.Flow.Box))));
            var othersOf = byVerdict.Keys.ToDictionary(v => v, v => byVerdict.Where(kv => kv.Key != v)
                .Aggregate(PacketSet.Empty, (s, kv) => s.Union(kv.Value)));
            var covered = PacketSet.Empty;
            foreach (var final in doubtful)
            {
                var piece = PacketSet.Of(final.Flow.Box).Subtract(covered);
                if (piece.IsEmpty) continue;
                covered = new PacketSet(covered.Boxes.AddRange(piece.Boxes));
                var others = othersOf[final.Verdict];
                Add(final.Verdict, final.Flow, piece.Subtract(others).Boxes);
                Add(ReachVerdict.Maybe, final.Flow, piece.Intersect(others).Boxes);
            }
        }

        return [.. groups.Values
            .Where(g => g.Boxes.Count > 0)
            .Select(g => new ReachRegion(g.Verdict, new PacketSet([.. g.Boxes]), [.. g.Rules], [.. g.Doubts]))];
    }
}
