using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// The parts of one flow (one protocol, ports and kind) as a few exact products of sources and
/// destinations: the sources cut where the destinations they reach change. Naming the union of the
/// parts' sources beside the union of their destinations would claim that every source reaches every
/// destination; grouping the sources by what they reach keeps each flow true of every packet it names
/// (oracle F34: the replies of one network's source but one die, so only those are one-way).
/// </summary>
public static class SourceClasses
{
    /// <summary>
    /// The sources of <paramref name="parts"/> grouped by the destinations they reach, in the order of
    /// the sources. Linear in the parts when they share their sources (a network's pass cut only by
    /// destination, the common case); else one look per source stretch and part.
    /// </summary>
    /// <param name="selfless">
    /// Addresses that are sources and destinations both (a network's containers, for icc): a packet from
    /// one to itself never leaves it, so it counts for nothing, and two groups are one where the only
    /// pairs that would add are such packets (c2 to c3 and c3 to c2 are one flow between the two).
    /// </param>
    public static List<(IntervalSet Sources, IntervalSet Destinations)> Of(IReadOnlyList<(IntervalSet Src, IntervalSet Dst)> parts, IntervalSet? selfless = null)
    {
        if (parts.Count == 0) return [];
        selfless = selfless is { IsEmpty: false } ? selfless : null;
        var first = parts[0].Src;
        if (parts.All(p => p.Src.Equals(first)) && (selfless is null || first.Cardinality > 1))
            return [(first, parts.Aggregate(IntervalSet.Empty, (s, p) => s.Union(p.Dst)))];

        // The stretches between every boundary of the parts' sources: each reaches one set of destinations.
        var cuts = new SortedSet<UInt128>();
        foreach (var (src, _) in parts)
            foreach (var (lo, hi) in src.Ranges)
            {
                cuts.Add(lo);
                if (hi < UInt128.MaxValue) cuts.Add(hi + 1);
            }

        var classes = new Dictionary<IntervalSet, List<(UInt128, UInt128)>>();
        var order = new List<IntervalSet>();
        var points = cuts.ToList();
        for (var i = 0; i < points.Count; i++)
        {
            var lo = points[i];
            var hi = i + 1 < points.Count ? points[i + 1] - 1 : UInt128.MaxValue;
            var reached = parts.Where(p => p.Src.Contains(lo)).Aggregate(IntervalSet.Empty, (s, p) => s.Union(p.Dst));
            if (lo == hi && selfless is not null && selfless.Contains(lo)) reached = reached.Subtract(IntervalSet.Single(lo));
            if (reached.IsEmpty) continue;
            if (!classes.TryGetValue(reached, out var stretches))
            {
                classes[reached] = stretches = [];
                order.Add(reached);
            }

            stretches.Add((lo, hi));
        }

        var groups = order.Select(d => (Sources: IntervalSet.FromRanges(classes[d]), Destinations: d)).ToList();
        return selfless is null ? groups : Joined(groups, selfless);
    }

    /// <summary>Groups joined while their product adds no pair but a source's packets to itself.</summary>
    private static List<(IntervalSet Sources, IntervalSet Destinations)> Joined(List<(IntervalSet Sources, IntervalSet Destinations)> groups, IntervalSet selfless)
    {
        for (var joined = true; joined;)
        {
            joined = false;
            for (var i = 0; i < groups.Count && !joined; i++)
                for (var j = i + 1; j < groups.Count && !joined; j++)
                {
                    if (!Covers(groups[i], groups[j].Destinations, selfless) || !Covers(groups[j], groups[i].Destinations, selfless)) continue;
                    groups[i] = (groups[i].Sources.Union(groups[j].Sources), groups[i].Destinations.Union(groups[j].Destinations));
                    groups.RemoveAt(j);
                    joined = true;
                }
        }

        return groups;
    }

    /// <summary>Whether every pair from the group's sources to <paramref name="more"/> is in the group or a source's packet to itself.</summary>
    private static bool Covers((IntervalSet Sources, IntervalSet Destinations) group, IntervalSet more, IntervalSet selfless)
    {
        var missing = more.Subtract(group.Destinations);
        return missing.IsEmpty || (group.Sources.Cardinality == 1 && missing.Equals(group.Sources) && selfless.Contains(missing.Min));
    }
}
