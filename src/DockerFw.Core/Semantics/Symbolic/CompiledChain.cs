using System.Collections.Concurrent;
using DockerFw.Core.Model.Targets;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// A chain of compiled rules (built-in chains carry their policy), indexed on the dimensions Docker's
/// per-bridge rules tell apart: input and output interface and source address. A rule is "narrow" on
/// one of them when it names a few interfaces or source addresses within one range, else "wide". A flow that is itself
/// narrow there can only meet the narrow rules that fit it plus the rules wide on all those
/// dimensions, which on a host with a thousand bridges is a handful instead of thousands.
/// </summary>
internal sealed class CompiledChain
{
    private static readonly Dimension[] Indexed = [Dimension.In, Dimension.Out, Dimension.Src];

    private readonly ChainIndex[] _indexes;
    private readonly int[] _all;
    private readonly ConcurrentDictionary<int, int[]> _wideOn = new();

    // The narrow rules one index finds for a box, a list of the thread reused (a walk asks every flow's candidates).
    [ThreadStatic] private static List<int>? FoundScratch;

    public CompiledChain(string table, string name, Verdict? policy, CompiledRule[] rules, int symbols)
    {
        Table = table;
        Name = name;
        Policy = policy;
        Rules = rules;
        _all = Enumerable.Range(0, rules.Length).ToArray();
        _indexes = Indexed.Select(d => new ChainIndex(rules, d, symbols)).ToArray();
    }

    public string Table { get; }

    public string Name { get; }

    public Verdict? Policy { get; }

    public CompiledRule[] Rules { get; }

    /// <summary>
    /// The rules after rule index <paramref name="after"/>, in order, that can match some packet of the
    /// box (a superset): the cached rules wide on every dimension where the box is narrow, merged with
    /// the narrow rules that fit the box.
    /// </summary>
    /// <remarks>The hook's hidden interface is compared as the empty name, so it narrows nothing.</remarks>
    public Candidates Candidates(Box box, Dimension? hidden, int after = -1)
    {
        var mask = NarrowOn(box, hidden);
        if (mask == 0) return new Candidates(_all, [], after, 0);
        // Looked up first: the lambda holds this chain, so handing it over makes a delegate every call.
        if (!_wideOn.TryGetValue(mask, out var pool))
            pool = _wideOn.GetOrAdd(mask, m => _all.Where(r => Enumerable.Range(0, _indexes.Length)
                .All(i => (m >> i & 1) == 0 || _indexes[i].IsWide(r))).ToArray());
        List<int>? narrow = null;
        var found = FoundScratch ??= [];
        for (var i = 0; i < _indexes.Length; i++)
        {
            if ((mask >> i & 1) == 0) continue;
            found.Clear();
            _indexes[i].NarrowRules(box, found);
            foreach (var r in found)
            {
                if (r <= after) continue;
                var fits = true;
                for (var j = 0; j < _indexes.Length && fits; j++)
                    if (j != i && (mask >> j & 1) == 1) fits = _indexes[j].Admits(r, box);
                if (fits) (narrow ??= []).Add(r);
            }
        }

        if (narrow is null) return new Candidates(pool, [], after, mask);
        narrow.Sort();
        return new Candidates(pool, [.. narrow.Distinct()], after, mask);
    }

    /// <summary>
    /// The candidates for a piece cut from a flow whose candidates were <paramref name="parent"/>, resuming
    /// after rule <paramref name="after"/>: the parent's cursor, unless the cut made the piece narrow on an
    /// indexed dimension where the flow was wide. The rest of a wide flow cut by <c>-i br-a -j ACCEPT</c>
    /// holds a piece on br-a alone, which would otherwise scan every later rule of every interface
    /// (200,000 distinct FORWARD rules: a quadratic walk).
    /// </summary>
    public Candidates Narrowed(Candidates parent, Box piece, Dimension? hidden, int after) =>
        (NarrowOn(piece, hidden) & ~parent.Mask) == 0 ? parent : Candidates(piece, hidden, after);

    /// <summary>The indexed dimensions (bit i: <see cref="Indexed"/>[i]) on which the box is narrow.</summary>
    private int NarrowOn(Box box, Dimension? hidden)
    {
        var mask = 0;
        for (var i = 0; i < _indexes.Length; i++)
            if (Indexed[i] != hidden && _indexes[i].IsNarrow(box)) mask |= 1 << i;
        return mask;
    }
}

/// <summary>
/// A cursor over the merge of two sorted rule lists, starting after a rule index. A struct: copying it
/// is how a piece of a split flow resumes where its parent was.
/// </summary>
internal struct Candidates
{
    private readonly int[] _a;
    private readonly int[] _b;
    private int _i;
    private int _j;

    public Candidates(int[] a, int[] b, int after, int mask)
    {
        _a = a;
        _b = b;
        _i = Start(a, after);
        _j = Start(b, after);
        Mask = mask;
    }

    /// <summary>The indexed dimensions the lists were narrowed on.</summary>
    public int Mask { get; }

    /// <summary>The next rule index, or -1 at the end.</summary>
    public int Next()
    {
        var x = _i < _a.Length ? _a[_i] : int.MaxValue;
        var y = _j < _b.Length ? _b[_j] : int.MaxValue;
        if (x == int.MaxValue && y == int.MaxValue) return -1;
        if (x <= y) _i++;
        if (y <= x) _j++;
        return Math.Min(x, y);
    }

    private static int Start(int[] sorted, int after)
    {
        var at = Array.BinarySearch(sorted, after + 1);
        return at < 0 ? ~at : at;
    }
}
