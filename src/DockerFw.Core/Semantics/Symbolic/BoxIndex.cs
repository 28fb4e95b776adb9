using System.Numerics;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// Finds the boxes of a fixed list that overlap a given box without testing every one. The boxes of
/// 2^k ways through k undecidable rules combine a limited number of sets per dimension: on each
/// dimension of at most <see cref="MaxSets"/> distinct sets, the boxes whose set there meets the
/// query's are a bitmap (built once per distinct query set), and the bitmaps of all such dimensions
/// are intersected word by word, the sparsest first; only the boxes left are tested whole. Where no
/// dimension has so few sets the boxes are filed in buckets along the one dimension that spreads them
/// best (the buckets a box's values there fall in), a box spanning many buckets in a list that is
/// always searched. Bitmaps that leave a few boxes answer at once; otherwise whichever of the two
/// leaves fewer boxes to test answers (the buckets are built on the first such query).
/// </summary>
/// <remarks>
/// Resolving the doubtful flows of a 365-rule host (48,927 distinct boxes, sets with many holes on the
/// addresses) tested about 12,000 boxes per query with a bitmap on the dimensions of at most 32 sets
/// only (12 s); the addresses take a few hundred sets each and, intersected with the others, leave
/// a handful.
/// </remarks>
internal sealed class BoxIndex
{
    // Past this many distinct sets a dimension is left to the buckets: a set's bitmap costs a pass over
    // the sets and one bit per box holding a set that meets it.
    private const int MaxSets = 1024;

    private readonly IReadOnlyList<Box> _boxes;
    private readonly int _words;
    private readonly List<SetsOfDimension> _exact = [];
    private readonly Lazy<Buckets> _buckets;
    private readonly int[] _stamp;
    private int _query;

    public BoxIndex(IReadOnlyList<Box> boxes)
    {
        _boxes = boxes;
        _words = (boxes.Count + 63) / 64;
        _stamp = new int[boxes.Count];
        foreach (var d in Dimensions.All)
        {
            var sets = new Dictionary<IntervalSet, List<int>>();
            for (var i = 0; i < boxes.Count && sets.Count <= MaxSets; i++)
            {
                if (!sets.TryGetValue(boxes[i][d], out var holders)) sets[boxes[i][d]] = holders = [];
                holders.Add(i);
            }

            if (sets.Count <= MaxSets && sets.Count > 1) _exact.Add(new SetsOfDimension(d, sets.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray()), _words));
        }

        _buckets = new(() => new Buckets(boxes), LazyThreadSafetyMode.None);
    }

    /// <summary>The indexes of the boxes that overlap <paramref name="box"/>, each once, in no particular order.</summary>
    public List<int> Overlapping(Box box)
    {
        var maps = _exact.Select(e => e.Meeting(box[e.Dimension])).OrderBy(m => m.Count).ToList();
        // Bitmaps that leave a few boxes answer without the buckets, which cost a third of resolving a
        // 365-rule host's 48,927 doubtful boxes to build (choosing their dimension sorts every box's
        // values on each); they are built the first time the bitmaps leave many.
        if (maps.Count > 0 && maps[0].Count <= Math.Max(FewBoxes, _boxes.Count / 16)) return Intersected(box, maps);
        var buckets = _buckets.Value;
        var spanned = Spanned(box[buckets.Dimension], buckets.Starts);
        var tested = buckets.Wide.Count;
        foreach (var b in spanned) tested += buckets.Lists[b].Count;
        if (maps.Count > 0 && maps[0].Count < tested) return Intersected(box, maps);

        var found = new List<int>();
        _query++;
        void Test(int i)
        {
            if (_stamp[i] == _query) return;
            _stamp[i] = _query;
            if (_boxes[i].Overlaps(box)) found.Add(i);
        }

        foreach (var i in buckets.Wide) Test(i);
        foreach (var b in spanned)
            foreach (var i in buckets.Lists[b]) Test(i);
        return found;
    }

    private const int FewBoxes = 64;

    /// <summary>
    /// The boxes filed along the dimension that spreads them best: bucket i holds the boxes whose values
    /// there fall in [Starts[i], Starts[i+1]); a box spanning many buckets is in <see cref="Wide"/>.
    /// </summary>
    private sealed class Buckets
    {
        public Buckets(IReadOnlyList<Box> boxes)
        {
            var count = Math.Max(1, (int)Math.Sqrt(boxes.Count) * 2);
            (Dimension, Starts) = Dimensions.All
                .Select(d => (Dimension: d, Starts: Quantiles(boxes, d, count)))
                .MinBy(c => Cost(boxes, c.Dimension, c.Starts));
            Lists = [.. Enumerable.Range(0, Starts.Length).Select(_ => new List<int>())];
            var wide = Math.Max(4, Starts.Length / 16);
            for (var i = 0; i < boxes.Count; i++)
            {
                var spanned = Spanned(boxes[i][Dimension], Starts);
                if (spanned.Count >= wide) Wide.Add(i);
                else
                    foreach (var b in spanned) Lists[b].Add(i);
            }
        }

        public Dimension Dimension { get; }

        public UInt128[] Starts { get; }

        public List<int>[] Lists { get; }

        public List<int> Wide { get; } = [];
    }

    private List<int> Intersected(Box box, List<(ulong[] Bits, int Count)> maps)
    {
        var found = new List<int>();
        var first = maps[0].Bits;
        for (var w = 0; w < _words; w++)
        {
            var bits = first[w];
            for (var m = 1; m < maps.Count && bits != 0; m++) bits &= maps[m].Bits[w];
            for (; bits != 0; bits &= bits - 1)
            {
                var i = (w << 6) + BitOperations.TrailingZeroCount(bits);
                if (_boxes[i].Overlaps(box)) found.Add(i);
            }
        }

        return found;
    }

    /// <summary>One dimension of few sets: the boxes holding each set, and per queried set the boxes whose set meets it.</summary>
    private sealed class SetsOfDimension(Dimension dimension, Dictionary<IntervalSet, int[]> sets, int words)
    {
        private readonly Dictionary<IntervalSet, (ulong[] Bits, int Count)> _meeting = [];

        public Dimension Dimension => dimension;

        public (ulong[] Bits, int Count) Meeting(IntervalSet query)
        {
            if (_meeting.TryGetValue(query, out var known)) return known;
            var bits = new ulong[words];
            var count = 0;
            foreach (var (set, boxes) in sets)
            {
                if (!set.Overlaps(query)) continue;
                count += boxes.Length;
                foreach (var i in boxes) bits[i >> 6] |= 1UL << (i & 63);
            }

            // Queries are mostly the indexed boxes themselves, whose sets are these; others are not kept.
            if (sets.ContainsKey(query)) _meeting[query] = (bits, count);
            return (bits, count);
        }
    }

    /// <summary>Bucket i holds the values from starts[i] to starts[i+1]-1; the first starts at 0.</summary>
    private static UInt128[] Quantiles(IReadOnlyList<Box> boxes, Dimension d, int count)
    {
        var lows = boxes.Select(b => b[d].Min).Order().ToArray();
        var starts = new List<UInt128> { 0 };
        if (lows.Length == 0) return [.. starts];
        for (var k = 1; k < count; k++)
        {
            var v = lows[(int)((long)k * lows.Length / count)];
            if (v > starts[^1]) starts.Add(v);
        }

        return [.. starts];
    }

    /// <summary>The buckets the set's values fall in, in order, each once.</summary>
    private static List<int> Spanned(IntervalSet set, UInt128[] starts)
    {
        var buckets = new List<int>();
        foreach (var (lo, hi) in set.Ranges)
        {
            var first = Bucket(lo, starts);
            if (buckets.Count > 0 && buckets[^1] >= first) first = buckets[^1] + 1;
            for (var b = first; b <= Bucket(hi, starts); b++) buckets.Add(b);
        }

        return buckets;
    }

    private static int Bucket(UInt128 value, UInt128[] starts)
    {
        int lo = 0, hi = starts.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) >>> 1;
            if (starts[mid] <= value) lo = mid;
            else hi = mid - 1;
        }

        return lo;
    }

    /// <summary>How many boxes a query like the boxes themselves would test: the pairs sharing a bucket.</summary>
    private static double Cost(IReadOnlyList<Box> boxes, Dimension d, UInt128[] starts)
    {
        var load = new long[starts.Length];
        var wide = Math.Max(4, starts.Length / 16);
        long wideCount = 0;
        foreach (var box in boxes)
        {
            var spanned = Spanned(box[d], starts);
            if (spanned.Count >= wide) wideCount++;
            else
                foreach (var b in spanned) load[b]++;
        }

        return wideCount * (double)boxes.Count + load.Sum(l => (double)l * l);
    }
}
