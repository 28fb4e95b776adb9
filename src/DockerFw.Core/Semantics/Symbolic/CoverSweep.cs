using System.Runtime.InteropServices;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// Cuts a box into the part some of a list of boxes covers and the part none does, both as disjoint
/// boxes, one dimension at a time: the values of the first dimension are grouped by which covers hold
/// them, and each group is cut again on the next dimension with only its covers. Subtracting tens of
/// thousands of boxes one after the other cuts every piece left by every box (the TUM dumps' regions
/// grew past 16,000 pieces after 4,000 subtractions); here a piece is cut only where the covers that
/// hold it differ. The boxes it writes are not those of a subtraction, but hold the same packets.
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

    public static void Split(Box domain, IReadOnlyList<Box> covers, List<Box> covered, List<Box> uncovered)
    {
        var keys = Keys(covers.Count);
        var active = new List<int>(covers.Count);
        for (var i = 0; i < covers.Count; i++)
            if (covers[i].Overlaps(domain)) active.Add(i);
        Sweep(domain, 0, active, covers, keys, covered, uncovered);
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

    private static void Sweep(Box domain, int level, List<int> active, IReadOnlyList<Box> covers, ulong[] keys, List<Box> covered, List<Box> uncovered)
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
        var scratch = Levels[level] ??= new Level();
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
        var holding = Levels[level + 1] ??= new Level();
        for (var g = 0; g < samples.Count; g++)
        {
            ranges.Clear();
            for (var k = starts[g]; k < starts[g + 1]; k++) ranges.Add(byGroup[k]);
            // One group holding every value: the piece is the domain itself.
            var part = samples.Count == 1 ? domain : domain.With(d, IntervalSet.FromRanges(ranges));
            holding.Active.Clear();
            foreach (var i in active)
                if (covers[i][d].Contains(samples[g])) holding.Active.Add(i);
            Sweep(part, level + 1, holding.Active, covers, keys, covered, uncovered);
        }
    }

    // Scratch lists per level of the sweep, reused from piece to piece: a level's lists stay intact while
    // the levels below it run. Active is the list of covers the level is called with.
    [ThreadStatic] private static Level?[]? LevelsOfThread;

    private static Level?[] Levels => LevelsOfThread ??= new Level?[Order.Length + 2];

    private sealed class Level
    {
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

    /// <summary>Whether the cover holds the domain on every dimension from this level on, and its marks (the earlier ones hold by construction).</summary>
    private static bool Holds(Box cover, Box domain, int level)
    {
        for (var l = level; l < Order.Length; l++)
            if (!domain[Order[l]].IsSubsetOf(cover[Order[l]])) return false;
        return domain.Mark.Subtract(cover.Mark).IsEmpty;
    }
}
