using System.Collections.Immutable;
using System.Text.Json;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Routing;

/// <summary>
/// The policy routing rules of one family, as <c>ip -4 -j rule show</c> (or <c>-6</c>) lists them:
/// which tables a route lookup asks, in which order. The kernel starts with its own: local (0), main
/// (32766) and, for IPv4, default (32767). A host that adds any other (a table chosen by a mark, an
/// input interface, a source) routes some packets by tables a plain lookup does not read:
/// <see cref="Unusual"/> holds those rules, as text.
/// </summary>
/// <param name="Tables">The tables a plain lookup asks, in order, when the rules are the kernel's.</param>
public sealed record PolicyRules(IpFamily Family, ImmutableArray<string> Tables, ImmutableArray<string> Unusual)
{
    private static readonly Dictionary<string, int> KernelPriorities = new(StringComparer.Ordinal) { ["local"] = 0, ["main"] = 32766, ["default"] = 32767 };

    /// <summary>Only the kernel's own rules (or some of them: IPv6 has no default-table rule).</summary>
    public bool KernelDefaults => Unusual.IsEmpty;

    /// <summary>Reads a listing; null when it is not the JSON array <c>ip -j rule show</c> prints.</summary>
    public static PolicyRules? Read(string json, IpFamily family)
    {
        try
        {
            using var document = JsonDocument.Parse(json.Trim().Length == 0 ? "[]" : json);
            if (document.RootElement.ValueKind != JsonValueKind.Array) return null;
            var tables = new List<(int Priority, string Table)>();
            var unusual = ImmutableArray.CreateBuilder<string>();
            foreach (var rule in document.RootElement.EnumerateArray())
            {
                if (rule.ValueKind != JsonValueKind.Object) return null;
                var priority = rule.TryGetProperty("priority", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt32() : -1;
                var table = rule.TryGetProperty("table", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : null;
                // A plain rule names its priority, "src": "all" and a table; any other key is a selector
                // (fwmark, iif, oif, dst, tos, ipproto, uidrange...) or another action (goto, blackhole...).
                var plain = rule.EnumerateObject().All(k => k.Name is "priority" or "src" or "table" or "protocol" or "flags")
                    && rule.TryGetProperty("src", out var src) && src.ValueKind == JsonValueKind.String && src.GetString() == "all";
                if (plain && table is not null && KernelPriorities.TryGetValue(table, out var kernel) && kernel == priority)
                    tables.Add((priority, table));
                else unusual.Add(rule.GetRawText());
            }

            return new PolicyRules(family, [.. tables.OrderBy(x => x.Priority).Select(x => x.Table)], unusual.ToImmutable());
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
