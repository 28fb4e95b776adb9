using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Cli.Commands;

/// <summary>
/// A set of interface symbols in words for reach's text, short whatever the set: every name a stem
/// covers whole becomes the pattern <c>S+</c>; a set holding most of what the query allows is
/// written <c>any but ...</c>; a list longer than <see cref="MaxNames"/> shows its first names and
/// how many more (<c>2000 interfaces: a, b, ... and 1990 more</c>). The text of a box of "any
/// output but these 2,000 bridges" used to list every other name one by one, so 20,000 such rules
/// wrote past 2^31 characters and crashed; the JSON still lists every name, exactly.
/// </summary>
internal sealed class InterfaceSetText
{
    public const int MaxNames = 10;

    private readonly InterfaceAlphabet _alphabet;
    private readonly IntervalSet _allowed;

    // For each symbol where some stem's names begin, the last symbol of each such stem, widest first.
    private readonly Dictionary<int, int[]> _stemEnds = [];
    private readonly int[] _stemStarts;

    /// <param name="allowed">The symbols the query allows on this dimension: "any" means these.</param>
    public InterfaceSetText(InterfaceAlphabet alphabet, IntervalSet allowed)
    {
        _alphabet = alphabet;
        _allowed = allowed;
        var spans = new List<(int First, int Last)>();
        for (var s = 0; s < alphabet.Count; s++)
            if (alphabet.IsOther(s) && alphabet.KeyOf(s) is { Length: > 0 } stem)
            {
                var span = alphabet.Matching(new InterfacePattern(stem + "+"));
                spans.Add(((int)span.Min, (int)span[span.Count - 1].Last));
            }

        foreach (var group in spans.GroupBy(x => x.First))
            _stemEnds[group.Key] = [.. group.Select(x => x.Last).Distinct().OrderDescending()];
        _stemStarts = [.. _stemEnds.Keys.Order()];
    }

    public string Of(IntervalSet set)
    {
        var listed = Entries(set);
        var rest = _allowed.Subtract(set);
        if (!rest.IsEmpty && set.IsSubsetOf(_allowed))
        {
            var others = Entries(rest);
            if (others.Count < listed.Count) return "any but " + Bounded(others);
        }

        return Bounded(listed);
    }

    private static string Bounded(Entries entries) =>
        entries.Count <= MaxNames
            ? string.Join(",", entries.First)
            : $"{entries.Count} {(entries.AllNames ? "interfaces" : "names and patterns")}: {string.Join(", ", entries.First)}, ... and {entries.Count - entries.First.Count} more";

    /// <summary>How many entries (names and whole stems) the set is written as, and the first of them.</summary>
    private Entries Entries(IntervalSet set)
    {
        var first = new List<string>();
        long count = 0;
        var allNames = true;
        foreach (var (lo, hi) in set.Ranges)
        {
            var at = (int)lo;
            var last = (int)hi;
            while (at <= last)
            {
                if (WholeStemEnd(at, last) is { } end)
                {
                    if (first.Count < MaxNames) first.Add(_alphabet.KeyOf(end) + "+");
                    count++;
                    allNames = false;
                    at = end + 1;
                    continue;
                }

                // Plain names up to the next symbol where a stem begins: counted in one step, only the first few written.
                var next = NextStemStart(at + 1);
                var runEnd = Math.Min(last, next - 1);
                for (var s = at; s <= runEnd && first.Count < MaxNames; s++) first.Add(Name(s));
                count += runEnd - at + 1;
                at = runEnd + 1;
            }
        }

        return new Entries(count, first, allNames);
    }

    /// <summary>The last symbol of the widest stem whose names begin at <paramref name="at"/> and end by <paramref name="last"/>.</summary>
    private int? WholeStemEnd(int at, int last)
    {
        if (!_stemEnds.TryGetValue(at, out var ends)) return null;
        foreach (var end in ends)
            if (end <= last) return end;
        return null;
    }

    private int NextStemStart(int from)
    {
        var i = Array.BinarySearch(_stemStarts, from);
        if (i < 0) i = ~i;
        return i < _stemStarts.Length ? _stemStarts[i] : int.MaxValue;
    }

    private string Name(int symbol) => _alphabet.Display(symbol) is { Length: > 0 } name ? name : "(none)";
}

internal sealed record Entries(long Count, IReadOnlyList<string> First, bool AllNames);
