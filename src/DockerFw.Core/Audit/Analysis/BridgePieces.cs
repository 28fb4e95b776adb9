using System.Collections;
using System.Diagnostics.CodeAnalysis;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// A symbolic answer cut per bridge on one interface dimension, each bridge's pieces cut only when
/// asked. A walk with the output interface free answers for every bridge at once, but its boxes each
/// cover most of the bridges: cutting them all up front makes N pieces of every box, N² over a host's
/// passes, when the audit asks for a handful of bridges and whether the others are open at all.
/// A bridge's pieces are the walk's boxes that hold its interface, in the walk's order, narrowed to
/// it: what cutting every box up front gave.
/// </summary>
public sealed class BridgePieces : IReadOnlyDictionary<string, List<Piece>>
{
    private readonly List<(ReachRegion Region, Box Box)> _boxes = [];
    private readonly Dimension _dimension;
    private readonly BridgeSymbols _bridges;
    private readonly Dictionary<string, List<Piece>?> _cut = [];
    private readonly Dictionary<string, List<Piece>> _replaced = [];
    private Dictionary<string, List<Piece>>? _all;
    private readonly IntervalSet _covered;
    private readonly IntervalSet _open;
    private readonly IntervalSet _accepted;

    public BridgePieces(ReachResult result, Dimension dimension, BridgeSymbols bridges)
    {
        _dimension = dimension;
        _bridges = bridges;
        var covered = new List<IntervalSet>();
        var open = new List<IntervalSet>();
        var accepted = new List<IntervalSet>();
        foreach (var region in result.Regions)
            foreach (var box in region.Packets.Boxes)
            {
                _boxes.Add((region, box));
                covered.Add(box[dimension]);
                if (region.Verdict is ReachVerdict.Accept or ReachVerdict.Maybe) open.Add(box[dimension]);
                if (region.Verdict is ReachVerdict.Accept) accepted.Add(box[dimension]);
            }

        _covered = UnionOf(covered);
        _open = UnionOf(open);
        _accepted = UnionOf(accepted);
    }

    /// <summary>Whether some packet to (or from) the bridge is accepted or may be: the pair can be anything but denied.</summary>
    public bool Opens(string bridge) => _replaced.TryGetValue(bridge, out var pieces)
        ? pieces.Any(p => p.Verdict is ReachVerdict.Accept or ReachVerdict.Maybe)
        : _bridges.SymbolOf(bridge) is { } s && _open.Contains(s);

    /// <summary>Whether some packet to (or from) the bridge is dropped or rejected.</summary>
    public bool Closes(string bridge) => TryGetValue(bridge, out var pieces) && pieces.Any(p => p.Verdict is ReachVerdict.Drop or ReachVerdict.Reject);

    /// <summary>The bridges that <see cref="Opens"/> holds for, in no particular order.</summary>
    public IEnumerable<string> Open() => _bridges.Among(_open).Where(b => !_replaced.ContainsKey(b)).Concat(_replaced.Keys.Where(Opens));

    /// <summary>The bridges some packet is accepted to (or from), in no particular order.</summary>
    public IEnumerable<string> Accepting() => _bridges.Among(_accepted).Where(b => !_replaced.ContainsKey(b))
        .Concat(_replaced.Where(kv => kv.Value.Any(p => p.Verdict == ReachVerdict.Accept)).Select(kv => kv.Key));

    /// <summary>The bridge's pieces replaced by those of another walk of the same packets (one that records the rules).</summary>
    public void Replace(string bridge, List<Piece> pieces)
    {
        _replaced[bridge] = pieces;
        _cut.Remove(bridge);
        _all = null;
    }

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out List<Piece> value)
    {
        if (_replaced.TryGetValue(key, out value)) return true;
        if (_all is not null) return _all.TryGetValue(key, out value);
        if (!_cut.TryGetValue(key, out var cut)) _cut[key] = cut = Cut(key);
        value = cut;
        return cut is not null;
    }

    private List<Piece>? Cut(string bridge)
    {
        if (_bridges.SymbolOf(bridge) is not { } s || !_covered.Contains(s)) return null;
        var one = IntervalSet.Single(s);
        var list = new List<Piece>();
        foreach (var (region, box) in _boxes)
            if (box[_dimension].Contains(s)) list.Add(new Piece(region, box.With(_dimension, one)));
        return list;
    }

    public List<Piece> this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    /// <summary>Every bridge with pieces, in the order cutting every box up front listed them (first box that holds it).</summary>
    public IEnumerable<string> Keys => All().Keys;

    public IEnumerable<List<Piece>> Values => All().Values;

    public int Count => All().Count;

    public IEnumerator<KeyValuePair<string, List<Piece>>> GetEnumerator() => All().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Every bridge cut at once, in one pass over the boxes, when all are asked for.</summary>
    private Dictionary<string, List<Piece>> All()
    {
        if (_all is not null) return _all;
        var all = new Dictionary<string, List<Piece>>();
        foreach (var (region, box) in _boxes)
            foreach (var (first, last) in box[_dimension].Ranges)
                foreach (var bridge in _bridges.Between(first, last))
                {
                    if (!all.TryGetValue(bridge, out var list)) all[bridge] = list = [];
                    list.Add(new Piece(region, box.With(_dimension, IntervalSet.Single(_bridges.SymbolOf(bridge)!.Value))));
                }

        foreach (var (bridge, pieces) in _replaced) all[bridge] = pieces;
        return _all = all;
    }

    private static IntervalSet UnionOf(List<IntervalSet> sets)
    {
        // Pairwise, so that many boxes over most bridges do not make a quadratic chain of unions.
        while (sets.Count > 1)
        {
            var next = new List<IntervalSet>((sets.Count + 1) / 2);
            for (var i = 0; i < sets.Count; i += 2) next.Add(i + 1 < sets.Count ? sets[i].Union(sets[i + 1]) : sets[i]);
            sets = next;
        }

        return sets.Count == 0 ? IntervalSet.Empty : sets[0];
    }
}
