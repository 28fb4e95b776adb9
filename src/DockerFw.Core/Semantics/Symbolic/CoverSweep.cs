using System.Runtime.InteropServices;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// Cuts a box into the part some of a list of boxes covers and the part none does, both as disjoint
/// boxes, one dimension at a time: the values of the first dimension are grouped by which covers hold
/// them, and each group is cut again on the next dimension with only its covers. Subtracting tens of
/// thousands of boxes one after the other cuts every piece left by every box (the TUM dumps' regions
/// grew past 16,000 pieces after 4,000 subtractions); here a piece is cut only where the covers that
/// hold it differ. The boxes it writes are not those of a subtraction, but hold the same packets.
/// <para>
/// Cut in a fixed order of dimensions, the pieces of one fate fall apart into neighbours that differ on
/// one dimension only (TUM 25.07.2014's first DROP, swept by 1,385 owned boxes: 125,986 pieces covered
/// and 49,523 not, where 156 and 245 boxes hold the same packets). So the pieces a level cuts are merged
/// on its dimension when they come back, each group's already merged below it: pieces of one fate that
/// agree on every later dimension and the marks become one box holding their sets on this dimension.
/// They are disjoint and agree everywhere else, so the merged box holds exactly their packets, and the
/// pieces stay disjoint.
/// </para>
/// </summary>
internal static class CoverSweep
{
    // Coarse dimensions first: interfaces, protocol and state tell most covers apart with few groups.
    // TCP flags after the protocol: a piece cut on flags is then TCP's alone, as the universe wants
    // (PacketSpace.Universe: other protocols keep every flags value).
    private static readonly Dimension[] Order =
    [
        Dimension.In, Dimension.Out, Dimension.Proto, Dimension.State, Dimension.IcmpType, Dimension.TcpFlags,
        Dimension.Dport, Dimension.Sport, Dimension.Dst, Dimension.Src,
    ];

    /// <param name="merge">Whether pieces of one fate are merged where they come back (false: as cut, for the bench's comparison).</param>
    public static void Split(Box domain, IReadOnlyList<Box> covers, List<Box> covered, List<Box> uncovered, bool merge = true)
    {
        var keys = Keys(covers.Count);
        var active = new List<int>(covers.Count);
        for (var i = 0; i < covers.Count; i++)
            if (covers[i].Overlaps(domain)) active.Add(i);
        Sweep(domain, 0, active, covers, keys, covered, uncovered, merge);
    }

    // The keys are a function of the count alone, and the region builder sweeps every piece of an
    // owner's region with the same covers: the last ones are kept (thousands of random draws a piece).
    [ThreadStatic] private static ulong[]? LastKeys;

    private static ulong[] Keys(int count)
    {
        if (LastKeys is { } last && last.Length == count) return last;
        var keys = new ulong[count];
        var random = new Random(count);
        for (var i = 0; i < keys.Length; i++) keys[i] = (ulong)random.NextInt64() ^ ((ulong)random.NextInt64() << 32);
        return LastKeys = keys;
    }

    private static void Sweep(Box domain, int level, List<int> active, IReadOnlyList<Box> covers, ulong[] keys, List<Box> covered, List<Box> uncovered, bool merge)
    {
        if (active.Count == 0)
        {
            uncovered.Add(domain);
            return;
        }

        foreach (var i in active)
            if (Holds(covers[i], domain, level))
            {
                covered.Add(domain);
                return;
            }

        if (level == Order.Length)
        {
            // Every dimension agrees: only the marks are left.
            var marks = active.Aggregate(BitCubeSet.Empty, (union, i) => union.Union(covers[i].Mark)).Intersect(domain.Mark);
            if (!marks.IsEmpty) covered.Add(domain.WithMark(marks));
            var rest = domain.Mark.Subtract(marks);
            if (!rest.IsEmpty) uncovered.Add(domain.WithMark(rest));
            return;
        }

        var d = Order[level];
        var values = domain[d];
        // A sweep over the covers' bounds on this dimension: each stretch between two bounds is held by
        // the same covers, told apart by the XOR of their random keys (Zobrist hashing). A cover's
        // ranges outside the values' hull change no stretch, so they are left out rather than cut by
        // an intersection (an allocation per cover and level: the TUM dumps sweep 275,000 pieces).
        var scratch = Levels[level] ??= new Level(level);
        var events = scratch.Events;
        events.Clear();
        var (min, max) = (values.Min, values[values.Count - 1].Last);
        foreach (var i in active)
        {
            var set = covers[i][d];
            for (var r = set.FirstEndingAtOrAfter(min); r < set.Count; r++)
            {
                var (first, last) = set[r];
                if (first > max) break;
                events.Add((UInt128.Max(first, min), keys[i]));
                if (last < max) events.Add((last + 1, keys[i]));
            }
        }

        CollectionsMarshal.AsSpan(events).Sort(static (a, b) => a.At.CompareTo(b.At));
        // Each stretch with its group (one per distinct hash, in the order they first appear).
        // A table grown large by one piece would cost every later piece its clearing: then it starts anew.
        if (scratch.GroupOf.Count > 64) scratch.GroupOf = [];
        var (groupOf, stretches, samples) = (scratch.GroupOf, scratch.Stretches, scratch.Samples);
        groupOf.Clear();
        stretches.Clear();
        samples.Clear();
        ulong hash = 0;
        var e = 0;
        for (var r = 0; r < values.Count; r++)
        {
            var (first, last) = values[r];
            var start = first;
            while (true)
            {
                while (e < events.Count && events[e].At <= start) hash ^= events[e++].Key;
                var end = e < events.Count && events[e].At <= last ? events[e].At - 1 : last;
                ref var group = ref CollectionsMarshal.GetValueRefOrAddDefault(groupOf, hash, out var exists);
                if (!exists)
                {
                    group = samples.Count;
                    samples.Add(start);
                }

                stretches.Add((start, end, group));
                if (end == last) break;
                start = end + 1;
            }
        }

        // The stretches in order of their group, each group's in the order of its values (a counting sort).
        var (starts, byGroup) = (scratch.Starts, scratch.ByGroup);
        CollectionsMarshal.SetCount(starts, samples.Count + 1);
        CollectionsMarshal.AsSpan(starts).Clear();
        foreach (var stretch in stretches) starts[stretch.Group + 1]++;
        for (var g = 0; g < samples.Count; g++) starts[g + 1] += starts[g];
        CollectionsMarshal.SetCount(byGroup, stretches.Count);
        var next = scratch.Next;
        next.Clear();
        next.AddRange(starts);
        foreach (var (first, last, group) in stretches) byGroup[next[group]++] = (first, last);

        var ranges = scratch.Ranges;
        var holding = Levels[level + 1] ??= new Level(level + 1);
        var (coveredFrom, uncoveredFrom) = (covered.Count, uncovered.Count);
        for (var g = 0; g < samples.Count; g++)
        {
            ranges.Clear();
            for (var k = starts[g]; k < starts[g + 1]; k++) ranges.Add(byGroup[k]);
            // One group holding every value: the piece is the domain itself.
            var part = samples.Count == 1 ? domain : domain.With(d, IntervalSet.FromRanges(ranges));
            holding.Active.Clear();
            foreach (var i in active)
                if (covers[i][d].Contains(samples[g])) holding.Active.Add(i);
            Sweep(part, level + 1, holding.Active, covers, keys, covered, uncovered, merge);
        }

        if (samples.Count == 1 || !merge) return;
        MergeSiblings(covered, coveredFrom, level);
        MergeSiblings(uncovered, uncoveredFrom, level);
    }

    /// <summary>
    /// The pieces of one fate a level cut (from <paramref name="from"/> on), merged on its dimension where
    /// they agree on every later dimension and the marks (the earlier ones are the level's domain's), in
    /// the order each merged box's first piece came.
    /// </summary>
    private static void MergeSiblings(List<Box> pieces, int from, int level)
    {
        var count = pieces.Count - from;
        if (count < 2) return;
        var scratch = Levels[level]!;
        if (scratch.FirstOf.Count > 64) scratch.FirstOf = new(scratch.FirstOf.Comparer);
        var (firstOf, first, next) = (scratch.FirstOf, scratch.First, scratch.NextPiece);
        firstOf.Clear();
        first.Clear();
        var merges = false;
        for (var i = 0; i < count; i++)
        {
            ref var f = ref CollectionsMarshal.GetValueRefOrAddDefault(firstOf, pieces[from + i], out var exists);
            if (exists) merges = true;
            else f = i;
            first.Add(f);
        }

        if (!merges) return;
        // The pieces of each merged box as a chain, in order: next[i] is the next piece of i's box, or -1.
        CollectionsMarshal.SetCount(next, count);
        var last = scratch.LastPiece;
        CollectionsMarshal.SetCount(last, count);
        for (var i = 0; i < count; i++)
        {
            var f = first[i];
            next[i] = -1;
            if (f != i) next[last[f]] = i;
            last[f] = i;
        }

        var d = Order[level];
        var ranges = scratch.Ranges;
        var write = from;
        for (var i = 0; i < count; i++)
        {
            if (first[i] != i) continue;
            var piece = pieces[from + i];
            if (next[i] >= 0)
            {
                ranges.Clear();
                for (var k = i; k >= 0; k = next[k])
                    for (var r = 0; r < pieces[from + k][d].Count; r++) ranges.Add(pieces[from + k][d][r]);
                piece = piece.With(d, IntervalSet.FromRanges(ranges));
            }

            pieces[write++] = piece;
        }

        pieces.RemoveRange(write, pieces.Count - write);
    }

    // Scratch lists per level of the sweep, reused from piece to piece: a level's lists stay intact while
    // the levels below it run. Active is the list of covers the level is called with.
    [ThreadStatic] private static Level?[]? LevelsOfThread;

    private static Level?[] Levels => LevelsOfThread ??= new Level?[Order.Length + 2];

    private sealed class Level(int level)
    {
        // Pieces that agree on the dimensions below this level and on the marks; the levels above agree by construction.
        public Dictionary<Box, int> FirstOf = new(new AgreeBelow(level));
        public readonly List<int> First = [];
        public readonly List<int> NextPiece = [];
        public readonly List<int> LastPiece = [];
        public readonly List<(UInt128 At, ulong Key)> Events = [];
        public Dictionary<ulong, int> GroupOf = [];
        public readonly List<(UInt128 First, UInt128 Last, int Group)> Stretches = [];
        public readonly List<UInt128> Samples = [];
        public readonly List<(UInt128 First, UInt128 Last)> Ranges = [];
        public readonly List<(UInt128 First, UInt128 Last)> ByGroup = [];
        public readonly List<int> Starts = [];
        public readonly List<int> Next = [];
        public readonly List<int> Active = [];
    }

    /// <summary>Boxes equal on the dimensions after a level of the sweep and on the marks.</summary>
    private sealed class AgreeBelow(int level) : IEqualityComparer<Box>
    {
        public bool Equals(Box? a, Box? b)
        {
            for (var l = level + 1; l < Order.Length; l++)
                if (!a![Order[l]].Equals(b![Order[l]])) return false;
            return a!.Mark.Equals(b!.Mark);
        }

        public int GetHashCode(Box box)
        {
            var hash = new HashCode();
            for (var l = level + 1; l < Order.Length; l++) hash.Add(box[Order[l]]);
            hash.Add(box.Mark);
            return hash.ToHashCode();
        }
    }

    /// <summary>Whether the cover holds the domain on every dimension from this level on, and its marks (the earlier ones hold by construction).</summary>
    private static bool Holds(Box cover, Box domain, int level)
    {
        for (var l = level; l < Order.Length; l++)
            if (!domain[Order[l]].IsSubsetOf(cover[Order[l]])) return false;
        return domain.Mark.Subtract(cover.Mark).IsEmpty;
    }
}
