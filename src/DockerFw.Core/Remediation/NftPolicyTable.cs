using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.NftJson;

namespace DockerFw.Core.Remediation;

/// <summary>
/// dockerfw's own nft table on a Docker 29 nftables host (<c>table ip dockerfw</c>, <c>table ip6
/// dockerfw</c>), which Docker never touches: one base chain on the forward hook at priority
/// <c>filter - 1</c>, so that it runs before Docker's <c>filter-FORWARD</c> (priority filter), as
/// Docker's documentation places user rules. Written as the JSON <c>nft -j list table</c> prints (what
/// the proof reads and the read-back is compared with) and as the nft text <c>nft -f</c> loads.
/// </summary>
public static class NftPolicyTable
{
    public const string Name = "dockerfw";

    public const string Chain = "forward";

    public const int Priority = -1;

    public static string FamilyOf(IpFamily family) => family == IpFamily.V4 ? "ip" : "ip6";

    /// <summary>dockerfw's table of that family among a ruleset's native tables; null when there is none.</summary>
    public static Table? Of(Ruleset ruleset, IpFamily family) =>
        ruleset.Tables.FirstOrDefault(t => t.IsNative && t.Name == Name && t.Family == FamilyOf(family));

    /// <summary>The ruleset with dockerfw's table of that family replaced by <paramref name="table"/> (none: taken away).</summary>
    public static Ruleset With(Ruleset ruleset, IpFamily family, Table? table) =>
        ruleset with { Tables = [.. ruleset.Tables.Where(t => t != Of(ruleset, family)), .. table is null ? [] : new[] { table }] };

    /// <summary>The table as <c>nft -j list table</c> lists it, without handles.</summary>
    public static string Listing(IpFamily family, IEnumerable<JsonArray> rules)
    {
        var f = FamilyOf(family);
        // JsonNode-typed elements: JsonArray.Add<T> would need reflection, which a native (AOT) build lacks.
        var items = new JsonArray
        {
            (JsonNode)new JsonObject { ["table"] = new JsonObject { ["family"] = f, ["name"] = Name } },
            (JsonNode)new JsonObject
            {
                ["chain"] = new JsonObject
                {
                    ["family"] = f, ["table"] = Name, ["name"] = Chain, ["type"] = "filter", ["hook"] = "forward", ["prio"] = Priority, ["policy"] = "accept",
                },
            },
        };
        foreach (var rule in rules)
            items.Add((JsonNode)new JsonObject { ["rule"] = new JsonObject { ["family"] = f, ["table"] = Name, ["chain"] = Chain, ["expr"] = rule.DeepClone() } });
        return new JsonObject { ["nftables"] = items }.ToJsonString();
    }

    /// <summary>The listing read into the model, as the proof merges it into the host's rules.</summary>
    public static Table Read(string listing) =>
        NftJsonReader.Read(listing, "plan").Value?.Tables.Single() ?? throw new InvalidOperationException("dockerfw's own listing does not read");

    /// <summary>
    /// <c>nft -f</c> input that replaces the family's table in one transaction: the first line creates
    /// it when it is missing, so that deleting it cannot fail, and the rest recreates it.
    /// </summary>
    public static string Script(Table table) => Removal(table.Family == "ip6" ? IpFamily.V6 : IpFamily.V4) + Text(table);

    /// <summary><c>nft -f</c> input that deletes the family's table, whether or not it exists.</summary>
    public static string Removal(IpFamily family) => $"table {FamilyOf(family)} {Name}\ndelete table {FamilyOf(family)} {Name}\n";

    /// <summary>A table in nft's text, from the JSON of its rules; "" for none.</summary>
    public static string Text(Table? table)
    {
        if (table is null) return "";
        var text = new StringBuilder($"table {table.Family} {table.Name} {{\n");
        foreach (var chain in table.Chains)
        {
            text.Append($"\tchain {chain.Name} {{\n");
            if (chain.Base is { } hooked)
                text.Append($"\t\ttype {hooked.Type} hook {hooked.Hook} priority {hooked.Priority}; policy {(chain.Policy == Model.Targets.Verdict.Drop ? "drop" : "accept")};\n");
            foreach (var json in Sources(chain))
                text.Append("\t\t").Append(json is null ? "# (a rule not read from JSON)" : NftExpr.Text(JsonDocument.Parse(json).RootElement)).Append('\n');
            text.Append("\t}\n");
        }

        return text.Append("}\n").ToString();
    }

    /// <summary>
    /// Null when <paramref name="actual"/> (a table as the kernel lists it) is <paramref name="expected"/>:
    /// the same chains, hooks, priorities and policies, and the same rules in order, JSON for JSON
    /// (handles and counters aside); otherwise what differs.
    /// </summary>
    public static string? Differs(Table? expected, Table? actual)
    {
        if (expected is null) return actual is null ? null : $"table {actual.Family} {Name} is there";
        if (actual is null) return $"table {expected.Family} {Name} is missing";
        var chains = expected.Chains.Select(c => c.Name).ToList();
        if (!chains.SequenceEqual(actual.Chains.Select(c => c.Name))) return $"table {expected.Family} {Name} has other chains";
        foreach (var (want, got) in expected.Chains.Zip(actual.Chains))
        {
            if (want.Base != got.Base || want.Policy != got.Policy) return $"chain {want.Name} of table {expected.Family} {Name} hooks elsewhere";
            var (a, b) = (Sources(want), Sources(got));
            if (a.Length != b.Length || a.Zip(b).Any(p => p.First is null || p.Second is null || !JsonNode.DeepEquals(JsonNode.Parse(p.First), JsonNode.Parse(p.Second))))
                return $"chain {want.Name} of table {expected.Family} {Name} has other rules";
        }

        return null;
    }

    /// <summary>The JSON of each rule as listed; rules the reader made from one nft rule (a verdict map's elements) once.</summary>
    public static ImmutableArray<string?> Sources(Chain chain)
    {
        var sources = ImmutableArray.CreateBuilder<string?>();
        long? last = null;
        foreach (var rule in chain.Rules)
        {
            if (rule.Handle is { } handle && handle == last) continue;
            last = rule.Handle;
            sources.Add(rule.SourceText);
        }

        return sources.ToImmutable();
    }
}
