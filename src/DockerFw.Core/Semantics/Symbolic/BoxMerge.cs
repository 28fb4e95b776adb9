using System.Runtime.InteropServices;

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
        // It holds indices of boxes, hashed from their sets' hashes kept side by side: mixing them from
        // each box's ten sets was 6% of a TUM reach (a load of every set for every box and dimension).
        var rest = new AllBut { Boxes = boxes, Hashes = Hashes(boxes) };
        var byRest = new Dictionary<int, int>(boxes.Count, rest);
        for (var changed = boxes.Count > 1; changed;)
        {
            changed = false;
            for (var d = 0; d < Dimensions.Count && boxes.Count > 1; d++)
            {
                var dimension = (Dimension)d;
                byRest.Clear();
                rest.Skipped = d;
                var merged = new List<Box>(boxes.Count);
                var hashes = new List<int>(rest.Hashes.Length);
                // The sets each merged box gathers on this dimension, united once at the end of the pass:
                // a thousand hosts' boxes united one after the other copied a growing set a thousand times.
                var gathered = new List<List<IntervalSet>?>(boxes.Count);
                for (var k = 0; k < boxes.Count; k++)
                {
                    ref var i = ref CollectionsMarshal.GetValueRefOrAddDefault(byRest, k, out var exists);
                    if (exists)
                    {
                        (gathered[i] ??= [merged[i][dimension]]).Add(boxes[k][dimension]);
                        changed = true;
                    }
                    else
                    {
                        i = merged.Count;
                        merged.Add(boxes[k]);
                        hashes.AddRange(rest.Hashes.AsSpan(k * Dimensions.Count, Dimensions.Count));
                        gathered.Add(null);
                    }
                }

                for (var i = 0; i < merged.Count; i++)
                    if (gathered[i] is { } sets)
                    {
                        merged[i] = merged[i].With(dimension, IntervalSet.FromRanges(sets.SelectMany(s => s.Ranges)));
                        hashes[i * Dimensions.Count + d] = merged[i][dimension].GetHashCode();
                    }

                // The table's keys index the boxes of this dimension's pass: cleared before the next one.
                byRest.Clear();
                boxes = merged;
                (rest.Boxes, rest.Hashes) = (boxes, [.. hashes]);
            }
        }

        return boxes;
    }

    private static int[] Hashes(List<Box> boxes)
    {
        var hashes = new int[boxes.Count * Dimensions.Count];
        for (var k = 0; k < boxes.Count; k++)
            for (var d = 0; d < Dimensions.Count; d++)
                hashes[k * Dimensions.Count + d] = boxes[k][(Dimension)d].GetHashCode();
        return hashes;
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

    /// <summary>
    /// Boxes, by their index in <see cref="Boxes"/>, compared on every dimension but one (set only while
    /// the table is empty) and on the mark; <see cref="Hashes"/> holds each box's sets' hashes in a row.
    /// </summary>
    private sealed class AllBut : IEqualityComparer<int>
    {
        public int Skipped { get; set; }

        public List<Box> Boxes { get; set; } = [];

        public int[] Hashes { get; set; } = [];

        public bool Equals(int a, int b)
        {
            if (a == b) return true;
            var (x, y) = (Boxes[a], Boxes[b]);
            for (var d = 0; d < Dimensions.Count; d++)
                if (d != Skipped && !x[(Dimension)d].Equals(y[(Dimension)d])) return false;
            return x.Mark.Equals(y.Mark);
        }

        // The sets' own hashes, mixed: cheaper than HashCode's rounds.
        public int GetHashCode(int index)
        {
            var hash = 0u;
            var row = Hashes.AsSpan(index * Dimensions.Count, Dimensions.Count);
            for (var d = 0; d < row.Length; d++)
                if (d != Skipped) hash = (hash ^ (uint)row[d]) * 0x9E3779B1u;
            return (int)(hash ^ hash >> 15);
        }
    }
}
