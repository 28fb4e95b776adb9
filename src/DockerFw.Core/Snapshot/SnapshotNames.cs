using System.Text.RegularExpressions;

namespace DockerFw.Core.Snapshot;

/// <summary>
/// Replaces bridge names and container addresses in a snapshot line by the names of their network and
/// container, longest first, each only where it is not part of a longer name or address (its
/// <c>Joins</c> characters do not continue it on either side).
/// </summary>
/// <remarks>
/// A kube-proxy dump's DNAT targets are inferred as containers: 10,000 rules made ~2,700 names, and
/// running every name's pattern over every line made the snapshot quadratic (10,000 rules 7 s CPU,
/// 20,000 rules 33 s). A name made only of its joining characters occurs exactly where it is a whole
/// run of them, so each line is cut into such runs and only the names found among them are tried, in
/// the same order, by the same patterns (after a replacement the line is cut again: a replacement
/// could in principle make a later name appear). Names with other characters are always tried.
/// </remarks>
internal sealed class SnapshotNames
{
    private readonly List<(Regex Pattern, string Name)> _patterns;
    private readonly List<int> _alwaysTried = [];
    private readonly List<(Func<char, bool> Joins, Dictionary<string, List<int>> Names)> _classes = [];

    public SnapshotNames(IEnumerable<(string Text, string Name, string Joins)> names)
    {
        var ordered = names.OrderByDescending(n => n.Text.Length).ToList();
        _patterns = [.. ordered.Select(n => (new Regex($"(?<![{n.Joins}]){Regex.Escape(n.Text)}(?![{n.Joins}])", RegexOptions.CultureInvariant), n.Name))];
        var byJoins = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < ordered.Count; i++)
        {
            var (text, _, joins) = ordered[i];
            var joining = Joining(joins);
            if (text.Length == 0 || !text.All(joining))
            {
                _alwaysTried.Add(i);
                continue;
            }

            if (!byJoins.TryGetValue(joins, out var c))
            {
                byJoins[joins] = c = _classes.Count;
                _classes.Add((joining, new Dictionary<string, List<int>>(StringComparer.Ordinal)));
            }

            if (!_classes[c].Names.TryGetValue(text, out var list)) _classes[c].Names[text] = list = [];
            list.Add(i);
        }
    }

    public string Rename(string line)
    {
        for (var next = 0; FirstFound(line, next) is var i && i >= 0; next = i + 1)
            line = _patterns[i].Pattern.Replace(line, _patterns[i].Name);
        return line;
    }

    /// <summary>The first name at or after <paramref name="from"/> (in the patterns' order) that may occur in the line.</summary>
    private int FirstFound(string line, int from)
    {
        var best = int.MaxValue;
        foreach (var i in _alwaysTried)
            if (i >= from)
            {
                best = i;
                break;
            }

        foreach (var (joins, names) in _classes)
        {
            var lookup = names.GetAlternateLookup<ReadOnlySpan<char>>();
            for (var start = 0; start < line.Length;)
            {
                if (!joins(line[start]))
                {
                    start++;
                    continue;
                }

                var end = start;
                while (end < line.Length && joins(line[end])) end++;
                if (lookup.TryGetValue(line.AsSpan(start, end - start), out var found))
                    foreach (var i in found)
                        if (i >= from && i < best) best = i;
                start = end;
            }
        }

        return best == int.MaxValue ? -1 : best;
    }

    /// <summary>
    /// The joining characters of a pattern's class, never more than the pattern's own (<c>\w</c> is
    /// narrowed to ASCII letters, digits and '_'): a run cut short only proposes a name the pattern then
    /// refuses; a run cut too long could hide one.
    /// </summary>
    private static Func<char, bool> Joining(string joins)
    {
        var extra = joins.Replace(@"\w", "", StringComparison.Ordinal);
        return c => char.IsAsciiLetterOrDigit(c) || c == '_' || (joins.Contains(@"\w", StringComparison.Ordinal) ? extra.Contains(c) : joins.Contains(c));
    }
}
