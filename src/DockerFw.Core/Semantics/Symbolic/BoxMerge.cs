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
        for (var changed = boxes.Count > 1; changed;)
        {
            changed = false;
            for (var d = 0; d < Dimensions.Count && boxes.Count > 1; d++)
            {
                var dimension = (Dimension)d;
                var byRest = new Dictionary<Box, int>(boxes.Count, new AllBut(d));
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

    /// <summary>Boxes compared on every dimension but one, and on the mark.</summary>
    private sealed class AllBut(int skipped) : IEqualityComparer<Box>
    {
        public bool Equals(Box? x, Box? y)
        {
            if (ReferenceEquals(x, y)) return true;
            if (x is null || y is null) return false;
            for (var d = 0; d < Dimensions.Count; d++)
                if (d != skipped && !x[(Dimension)d].Equals(y[(Dimension)d])) return false;
            return x.Mark.Equals(y.Mark);
        }

        public int GetHashCode(Box box)
        {
            var hash = new HashCode();
            for (var d = 0; d < Dimensions.Count; d++)
                if (d != skipped) hash.Add(box[(Dimension)d]);
            return hash.ToHashCode();
        }
    }
}
