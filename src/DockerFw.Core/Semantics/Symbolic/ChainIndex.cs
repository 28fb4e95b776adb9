namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// One dimension of a <see cref="CompiledChain"/>'s index: for interfaces, the rules naming each
/// symbol; for the source address, the rules whose source lies within one range short of the whole
/// space, by the hull of their ranges sorted by its start (a subnet less its gateway is two ranges,
/// and a flow of a network's containers is one: left wide, it met every rule of the chain).
/// </summary>
internal sealed class ChainIndex
{
    // Sets of up to this many interface symbols are enumerated; larger ones are wide.
    private const int FewSymbols = 8;

    private readonly Dimension _dimension;
    private readonly IntervalSet?[] _narrowSets;
    private readonly int[][] _bySymbol = [];
    private readonly (UInt128 First, UInt128 Last, int Rule)[] _byRange = [];
    private readonly UInt128 _widestRange;

    public ChainIndex(CompiledRule[] rules, Dimension dimension, int symbols)
    {
        _dimension = dimension;
        _narrowSets = rules.Select(r => r.Shapes.Length == 1
            ? r.Shapes[0].Constraints.Where(c => c.Dimension == dimension).Select(c => c.Set).FirstOrDefault() is { } s && IsNarrowSet(s) ? s : null
            : null).ToArray();
        if (dimension == Dimension.Src)
        {
            _byRange = [.. _narrowSets.Select((s, r) => (s, r)).Where(x => x.s is not null)
                .Select(x => (x.s![0].First, x.s[x.s.Count - 1].Last, x.r)).OrderBy(x => x.First)];
            _widestRange = _byRange.Length == 0 ? 0 : _byRange.Max(x => x.Last - x.First);
        }
        else
        {
            var lists = Enumerable.Range(0, symbols).Select(_ => new List<int>()).ToArray();
            for (var r = 0; r < rules.Length; r++)
                if (_narrowSets[r] is { } set)
                    foreach (var (first, last) in set.Ranges)
                        for (var s = (int)first; s <= (int)last; s++) lists[s].Add(r);
            _bySymbol = lists.Select(l => l.ToArray()).ToArray();
        }
    }

    public bool IsWide(int rule) => _narrowSets[rule] is null;

    public bool IsNarrow(Box box) => IsNarrowSet(box[_dimension]);

    public bool Admits(int rule, Box box) => _narrowSets[rule] is not { } set || set.Overlaps(box[_dimension]);

    /// <summary>Adds the narrow rules whose set meets the box's (the box narrow on this dimension) to <paramref name="found"/>.</summary>
    public void NarrowRules(Box box, List<int> found)
    {
        var values = box[_dimension];
        if (_dimension != Dimension.Src)
        {
            for (var k = 0; k < values.Count; k++)
                for (var s = (int)values[k].First; s <= (int)values[k].Last; s++)
                    found.AddRange(_bySymbol[s]);
            return;
        }

        // The hull of the box's ranges: a superset of the rules that meet them (subnet but its gateway is two ranges).
        var (lo, hi) = (values[0].First, values[values.Count - 1].Last);
        // Ranges starting after hi cannot meet it; of the others only those reaching lo do, and none
        // starting more than the widest range before lo can.
        var end = UpperBound(hi);
        var floor = lo > _widestRange ? lo - _widestRange : 0;
        for (var i = end - 1; i >= 0 && _byRange[i].First >= floor; i--)
            if (_byRange[i].Last >= lo) found.Add(_byRange[i].Rule);
    }

    private int UpperBound(UInt128 value)
    {
        int lo = 0, hi = _byRange.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_byRange[mid].First <= value) lo = mid + 1;
            else hi = mid;
        }

        return lo;
    }

    private bool IsNarrowSet(IntervalSet set) => _dimension == Dimension.Src
        ? set.Count >= 1 && !(set[0].First == 0 && (set[set.Count - 1].Last == uint.MaxValue || set[set.Count - 1].Last == UInt128.MaxValue))
        : set.Cardinality <= FewSymbols;
}
