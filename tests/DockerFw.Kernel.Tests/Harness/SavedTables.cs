namespace DockerFw.Kernel.Tests.Harness;

/// <summary>
/// iptables-save output made comparable: comment lines (timestamps, version) dropped, and each
/// table's lines kept apart, since two restores may list the same tables in a different order.
/// </summary>
internal static class SavedTables
{
    public static string Normalize(string saved)
    {
        var tables = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        var current = new List<string>();
        foreach (var line in saved.Split('\n'))
        {
            if (line.StartsWith('#') || line.Length == 0) continue;
            if (line.StartsWith('*'))
            {
                current = [];
                tables[line] = current;
            }
            current.Add(line);
        }
        return string.Join('\n', tables.Values.SelectMany(lines => lines));
    }
}

/// <summary>A rule as iptables numbers it: table, chain, 1-based position.</summary>
internal sealed record CountedRule(string Table, string Chain, int Number)
{
    public override string ToString() => $"{Table}/{Chain}#{Number}";
}

/// <summary>The rule counters of an <c>iptables-save -c</c> output.</summary>
internal static class RuleCounters
{
    public static IReadOnlyDictionary<CountedRule, ulong> PacketsOf(string saved)
    {
        var packets = new Dictionary<CountedRule, ulong>();
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        var table = "";
        foreach (var line in saved.Split('\n'))
        {
            if (line.StartsWith('*'))
            {
                table = line[1..];
                positions.Clear();
                continue;
            }
            if (!line.StartsWith('[')) continue;
            var close = line.IndexOf("] -A ", StringComparison.Ordinal);
            if (close < 0) continue;
            var chain = line[(close + 5)..].Split(' ')[0];
            var number = positions[chain] = positions.GetValueOrDefault(chain) + 1;
            packets[new CountedRule(table, chain, number)] = ulong.Parse(line[1..close].Split(':')[0]);
        }
        return packets;
    }

    /// <summary>The rules whose packet counter is not zero, in save order.</summary>
    public static IReadOnlyList<CountedRule> Moved(string saved) =>
        PacketsOf(saved).Where(kv => kv.Value > 0).Select(kv => kv.Key).ToList();
}
