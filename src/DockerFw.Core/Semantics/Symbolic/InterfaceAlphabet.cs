using System.Collections.Frozen;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// The interface dimension's finite alphabet: every exact name the ruleset or the query mentions,
/// plus one "other name with stem S" symbol per wildcard stem (and the empty stem, for names nothing
/// mentions). The symbol of a real name is the name itself when listed, else the other-symbol of its
/// longest listed stem, so <c>br-+</c> matches exactly a set of symbols. Symbols are sorted by name, an
/// other-symbol right after every name it prefixes, so each pattern is a single interval of symbols.
/// The empty name is the missing interface (no input interface on OUTPUT, no output on INPUT).
/// </summary>
public sealed class InterfaceAlphabet
{
    private readonly string[] _keys;
    private readonly bool[] _isOther;
    private readonly FrozenDictionary<string, int> _exact;
    private readonly FrozenDictionary<string, int> _otherOfStem;
    private readonly string[] _stemsLongestFirst;

    public InterfaceAlphabet(IEnumerable<string> names, IEnumerable<string> stems)
    {
        var exact = names.Append("").Distinct().ToList();
        var stemList = stems.Append("").Distinct().ToList();
        // '\uffff' sorts after any interface name character, so other(S) follows every name starting with S.
        var entries = exact.Select(n => (Key: n, Other: false))
            .Concat(stemList.Select(s => (Key: s + '\uffff', Other: true)))
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .ToArray();
        _keys = entries.Select(e => e.Other ? e.Key[..^1] : e.Key).ToArray();
        _isOther = entries.Select(e => e.Other).ToArray();
        _exact = Enumerable.Range(0, _keys.Length).Where(i => !_isOther[i]).ToFrozenDictionary(i => _keys[i], StringComparer.Ordinal);
        _otherOfStem = Enumerable.Range(0, _keys.Length).Where(i => _isOther[i]).ToFrozenDictionary(i => _keys[i], StringComparer.Ordinal);
        _stemsLongestFirst = stemList.OrderByDescending(s => s.Length).ToArray();
    }

    /// <summary>An alphabet for the names and wildcard patterns given (a pattern ends in <c>+</c>).</summary>
    public static InterfaceAlphabet Of(IEnumerable<InterfacePattern> patterns, IEnumerable<string> extraNames)
    {
        var list = patterns.ToList();
        return new InterfaceAlphabet(
            list.Where(p => !p.IsWildcard).Select(p => p.Text).Concat(extraNames),
            list.Where(p => p.IsWildcard).Select(p => p.Stem));
    }

    public int Count => _keys.Length;

    public UInt128 MaxSymbol => (UInt128)(_keys.Length - 1);

    public int NoInterface => _exact[""];

    public bool IsOther(int symbol) => _isOther[symbol];

    /// <summary>The exact name, or the stem of an other-symbol.</summary>
    public string KeyOf(int symbol) => _keys[symbol];

    public int SymbolOf(string name)
    {
        if (_exact.TryGetValue(name, out var symbol)) return symbol;
        foreach (var stem in _stemsLongestFirst)
            if (name.StartsWith(stem, StringComparison.Ordinal)) return _otherOfStem[stem];
        throw new InvalidOperationException("the empty stem matches every name");
    }

    /// <summary>The symbols a pattern matches: one interval, as the alphabet is ordered by name.</summary>
    public IntervalSet Matching(InterfacePattern pattern)
    {
        if (!pattern.IsWildcard)
            return _exact.TryGetValue(pattern.Text, out var s) ? IntervalSet.Single((UInt128)s) : IntervalSet.Single((UInt128)SymbolOf(pattern.Text));
        var stem = pattern.Stem;
        var first = Array.FindIndex(_keys, k => k.StartsWith(stem, StringComparison.Ordinal));
        var last = Array.FindLastIndex(_keys, k => k.StartsWith(stem, StringComparison.Ordinal));
        return IntervalSet.Range((UInt128)first, (UInt128)last);
    }

    /// <summary>A real interface name this symbol stands for, for sample packets.</summary>
    public string SampleName(int symbol)
    {
        if (!_isOther[symbol]) return _keys[symbol];
        var stem = _keys[symbol];
        for (var i = 0; i < 10_000; i++)
        {
            var candidate = stem + "z" + i;
            if (candidate.Length <= InterfacePattern.MaxLength && SymbolOf(candidate) == symbol) return candidate;
        }

        throw new InvalidOperationException($"no free interface name with stem '{stem}'");
    }

    /// <summary>How a symbol is written in reach output: a name, or <c>S+ (other)</c>.</summary>
    public string Display(int symbol) => _isOther[symbol] ? $"{_keys[symbol]}+ (other)" : _keys[symbol];
}
