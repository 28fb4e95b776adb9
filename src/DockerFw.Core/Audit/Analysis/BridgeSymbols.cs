using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// The networks' bridges as symbols of a packet space's interface alphabet, both ways: built once per
/// audit, so that cutting a walk by bridge does not look every bridge up again for every walk.
/// </summary>
public sealed class BridgeSymbols
{
    private readonly Dictionary<string, int> _symbols;
    private readonly (int Symbol, string Bridge)[] _sorted;

    public BridgeSymbols(PacketSpace space, IEnumerable<AuditedNetwork> networks)
    {
        // One symbol per bridge: the alphabet lists every bridge's exact name.
        _sorted = [.. networks.Select(n => (Symbol: space.Interfaces.SymbolOf(n.Bridge), n.Bridge)).OrderBy(x => x.Symbol)];
        _symbols = _sorted.ToDictionary(x => x.Bridge, x => x.Symbol);
        All = IntervalSet.FromValues(_sorted.Select(x => (UInt128)x.Symbol));
    }

    /// <summary>Every bridge's symbol.</summary>
    public IntervalSet All { get; }

    public UInt128? SymbolOf(string bridge) => _symbols.TryGetValue(bridge, out var s) ? (UInt128)s : null;

    /// <summary>The bridges whose symbols lie in the range, by symbol.</summary>
    public IEnumerable<string> Between(UInt128 first, UInt128 last)
    {
        if (first > (UInt128)int.MaxValue) yield break;
        var lo = Array.BinarySearch(_sorted, ((int)first, ""), Comparer.Instance);
        if (lo < 0) lo = ~lo;
        for (var i = lo; i < _sorted.Length && (UInt128)_sorted[i].Symbol <= last; i++) yield return _sorted[i].Bridge;
    }

    /// <summary>The bridges whose symbols the set holds, by symbol.</summary>
    public IEnumerable<string> Among(IntervalSet symbols) => symbols.Ranges.SelectMany(r => Between(r.First, r.Last));

    private sealed class Comparer : IComparer<(int Symbol, string Bridge)>
    {
        public static readonly Comparer Instance = new();

        public int Compare((int Symbol, string Bridge) x, (int Symbol, string Bridge) y) => x.Symbol.CompareTo(y.Symbol);
    }
}
