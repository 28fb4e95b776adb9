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
    public static List<(IntervalSet Sources, IntervalSet Destinations)> Of(IReadOnlyList<(IntervalSet Src, IntervalSet Dst)> parts)
    {
        if (parts.Count == 0) return [];
        var first = parts[0].Src;
        if (parts.All(p => p.Src.Equals(first)))
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
            if (reached.IsEmpty) continue;
            if (!classes.TryGetValue(reached, out var stretches))
            {
                classes[reached] = stretches = [];
                order.Add(reached);
            }

            stretches.Add((lo, hi));
        }

        return [.. order.Select(d => (IntervalSet.FromRanges(classes[d]), d))];
    }
}
