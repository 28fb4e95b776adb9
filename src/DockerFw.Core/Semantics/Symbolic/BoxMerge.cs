namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// Fewer boxes for the same union: boxes equal on every dimension but one become one box holding both
/// sets there, until no two are. Exact (the union of the boxes is unchanged); the boxes given may
/// overlap, and so may those returned. Used where only the union matters: owned flows of one view at
/// one place of the walk, and the packets owned flows bring another verdict.
/// </summary>
internal static class BoxMerge
{
    public static List<Box> Merge(IEnumerable<Box> given)
    {
        var boxes = given.Distinct().ToList();
        // One table for every pass, cleared and told which dimension to skip: the TUM dumps merge
        // 100,000 owned boxes, and a table of that size per dimension and pass was most of the merge.
        var rest = new AllBut();
        var byRest = new Dictionary<Box, int>(boxes.Count, rest);
        for (var changed = boxes.Count > 1; changed;)
        {
            changed = false;
            for (var d = 0; d < Dimensions.Count && boxes.Count > 1; d++)
            {
                var dimension = (Dimension)d;
                byRest.Clear();
                rest.Skipped = d;
                var merged = new List<Box>(boxes.Count);
                // The sets each merged box gathers on this dimension, united once at the end of the pass:
                // a thousand hosts' boxes united one after the other copied a growing set a thousand times.
                var gathered = new List<List<IntervalSet>?>(boxes.Count);
                foreach (var box in boxes)
                {
                    if (byRest.TryGetValue(box, out var i))
                    {
                        (gathered[i] ??= [merged[i][dimension]]).Add(box[dimension]);
                        changed = true;
                    }
                    else
                    {
                        byRest[box] = merged.Count;
                        merged.Add(box);
                        gathered.Add(null);
                    }
                }

                for (var i = 0; i < merged.Count; i++)
                    if (gathered[i] is { } sets)
                        merged[i] = merged[i].With(dimension, IntervalSet.FromRanges(sets.SelectMany(s => s.Ranges)));
                boxes = merged;
            }
        }

        return boxes;
    }

    /// <summary>Owned flows of one view become the fewest flows of merged boxes; other flows stay as they are, in order.</summary>
    public static List<Flow> MergeOwned(List<Flow> flows)
    {
        if (flows.Count(f => f.Owned) < 2) return flows;
        var result = flows.Where(f => !f.Owned).ToList();
        foreach (var view in flows.Where(f => f.Owned).GroupBy(f => f.View))
        {
            var first = view.First();
            result.AddRange(Merge(view.Select(f => f.Box)).Select(box => first with { Box = box }));
        }

        return result;
    }

    /// <summary>Boxes compared on every dimension but one (set only while its table is empty), and on the mark.</summary>
    private sealed class AllBut : IEqualityComparer<Box>
    {
        public int Skipped { get; set; }

        public bool Equals(Box? x, Box? y)
        {
            if (ReferenceEquals(x, y)) return true;
            if (x is null || y is null) return false;
            for (var d = 0; d < Dimensions.Count; d++)
                if (d != Skipped && !x[(Dimension)d].Equals(y[(Dimension)d])) return false;
            return x.Mark.Equals(y.Mark);
        }

        // The sets' own hashes are kept by each set; mixing them here is cheaper than HashCode's rounds.
        public int GetHashCode(Box box)
        {
            var hash = 0u;
            for (var d = 0; d < Dimensions.Count; d++)
                if (d != Skipped) hash = (hash ^ (uint)box[(Dimension)d].GetHashCode()) * 0x9E3779B1u;
            return (int)(hash ^ hash >> 15);
        }
    }
}
