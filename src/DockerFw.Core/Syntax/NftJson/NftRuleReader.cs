using System.Collections.Immutable;
using System.Text.Json;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.NftJson;

/// <summary>
/// Reads one nft rule into model rules. Usually one; a verdict map or a map-based dnat becomes one
/// rule per element (the element's key as a condition: keys are distinct, so at most one applies),
/// and a rule with several actions (log, then drop) becomes one rule per action with the same conditions.
/// </summary>
internal sealed class NftRuleReader(NftTableBuilder table, string chain, SourceSpan at, List<Diagnostic> diagnostics)
{
    // Statements that only decide whether the rule goes on, like a match does.
    private static readonly string[] Conditional = ["limit", "quota", "ct count", "meter", "numgen"];

    private readonly NftMatches matches = new(table.FindSet);

    public (List<Rule> Rules, bool UsesXt) Read(JsonElement r, int before)
    {
        var blocks = new List<MatchBlock>();
        var actions = new List<Target>();
        List<(ImmutableArray<MatchBlock> Key, Target Target)>? expansion = null;
        Counters? counters = null;
        var usesXt = false;
        var handle = r.TryGetProperty("handle", out var h) && h.ValueKind == JsonValueKind.Number ? h.GetInt64() : (long?)null;
        foreach (var statement in r.GetProperty("expr").EnumerateArray())
        {
            var (name, value) = statement.EnumerateObject().Select(p => (p.Name, p.Value)).FirstOrDefault();
            switch (name)
            {
                case "match":
                    var op = value.GetProperty("op").GetString() ?? "";
                    blocks.AddRange(matches.Map(op, value.GetProperty("left"), value.GetProperty("right")) ??
                                    [Opaque("match", statement, op == "!=")]);
                    break;
                case "counter":
                    if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("packets", out var p))
                        counters = new Counters(p.GetUInt64(), value.GetProperty("bytes").GetUInt64());
                    break;
                case "continue":
                    break;
                case "xt":
                    usesXt = true;
                    var xtName = value.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
                    if (value.TryGetProperty("type", out var t) && t.GetString() == "target")
                        actions.Add(new ExtensionTarget(xtName, [], Known: false));
                    else blocks.Add(new MatchBlock(xtName, [new OpaqueMatch(xtName, "xt match " + xtName, [], false)]));
                    break;
                case "vmap":
                    expansion = Expand(value.GetProperty("key"), value.GetProperty("data"), (data, _) => NftActions.VerdictOf(data, table.AddressFamily));
                    if (expansion is null) blocks.Add(Opaque("vmap", statement, false));
                    break;
                case "dnat" when value.TryGetProperty("addr", out var addr) && addr.ValueKind == JsonValueKind.Object && addr.TryGetProperty("map", out var map):
                    expansion = Expand(map.GetProperty("key"), map.GetProperty("data"), (data, _) => NftActions.DnatTo(data, FamilyOf(value)));
                    if (expansion is null) actions.Add(Unknown(name, statement));
                    break;
                case var c when Conditional.Contains(c):
                    blocks.Add(c == "limit"
                        ? new MatchBlock("limit", [new ModuleOptionMatch("limit", "--limit", [Limit(value)], false)])
                        : Opaque(c, statement, false));
                    break;
                default:
                    actions.Add(NftActions.Map(name ?? "", value, FamilyOf(value)) ?? Unknown(name ?? "", statement));
                    break;
            }
        }

        if (r.TryGetProperty("comment", out var comment) && comment.GetString() is { } text)
            blocks.Add(new MatchBlock("comment", [new CommentMatch(text)]));
        var targets = new List<(ImmutableArray<MatchBlock> Extra, Target? Target)>();
        targets.AddRange(actions.Select(a => (ImmutableArray<MatchBlock>.Empty, (Target?)a)));
        if (expansion is not null) targets.AddRange(expansion.Select(e => (e.Key, (Target?)e.Target)));
        if (targets.Count == 0) targets.Add(([], null));
        var source = r.GetProperty("expr").GetRawText();
        var rules = targets.Select((x, i) => new Rule(chain, before + i + 1, at, i == 0 ? counters : null, [.. blocks, .. x.Extra], x.Target)
        {
            SourceText = source,
            Handle = handle,
        }).ToList();
        return (rules, usesXt);
    }

    // One rule per element of a map; null when a key or a datum cannot be read exactly.
    private List<(ImmutableArray<MatchBlock>, Target)>? Expand(JsonElement key, JsonElement data, Func<JsonElement, JsonElement, Target?> datum)
    {
        IEnumerable<(JsonElement Key, JsonElement Data)>? elements = null;
        if (data.ValueKind == JsonValueKind.String && data.GetString()!.StartsWith('@') && table.FindSet(data.GetString()![1..]) is { DataType: not null } m)
            elements = m.Elements.Where(e => e.Data is not null).Select(e => (e.Key, e.Data!.Value));
        else if (data.ValueKind == JsonValueKind.Object && data.TryGetProperty("set", out var inline))
            elements = inline.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Array && e.GetArrayLength() == 2).Select(e => (e[0], e[1]));
        if (elements is null) return null;
        var result = new List<(ImmutableArray<MatchBlock>, Target)>();
        foreach (var (k, d) in elements)
        {
            var condition = KeyCondition(key, k);
            if (condition is null || datum(d, k) is not { } target) return null;
            result.Add((condition.Value, target));
        }

        return result;
    }

    private ImmutableArray<MatchBlock>? KeyCondition(JsonElement key, JsonElement element)
    {
        if (!key.TryGetProperty("concat", out var parts)) return matches.Map("==", key, element);
        if (!element.TryGetProperty("concat", out var values) || values.GetArrayLength() != parts.GetArrayLength()) return null;
        var blocks = ImmutableArray.CreateBuilder<MatchBlock>();
        for (var i = 0; i < parts.GetArrayLength(); i++)
        {
            if (matches.Map("==", parts[i], values[i]) is not { } one) return null;
            blocks.AddRange(one);
        }

        return blocks.ToImmutable();
    }

    private IpFamily FamilyOf(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object) return table.AddressFamily;
        if (value.TryGetProperty("family", out var f)) return f.GetString() == "ip6" ? IpFamily.V6 : IpFamily.V4;
        // An inet table's nat statement names no family; its address says which it is.
        return value.TryGetProperty("addr", out var a) && a.ValueKind == JsonValueKind.String && IpAddressValue.FamilyOf(a.GetString()!) is { } af
            ? af
            : table.AddressFamily;
    }

    private static string Limit(JsonElement value) =>
        value.TryGetProperty("rate", out var rate) ? $"{rate}/{(value.TryGetProperty("per", out var per) ? per.GetString() : "second")}" : value.GetRawText();

    private MatchBlock Opaque(string what, JsonElement statement, bool negated)
    {
        diagnostics.Add(NftMessages.NotUnderstood(at, $"nft {what} {Shorten(statement.GetRawText())} in chain '{chain}'"));
        return new MatchBlock(MatchBlock.NftOnly, [new OpaqueMatch(MatchBlock.NftOnly, what, [statement.GetRawText()], negated)]);
    }

    private Target Unknown(string name, JsonElement statement)
    {
        diagnostics.Add(NftMessages.NotUnderstood(at, $"nft statement {Shorten(statement.GetRawText())} in chain '{chain}'"));
        return new ExtensionTarget(name, [new TargetOption("json", [statement.GetRawText()])], Known: false);
    }

    private static string Shorten(string json) => json.Length <= 120 ? json : json[..117] + "...";
}
