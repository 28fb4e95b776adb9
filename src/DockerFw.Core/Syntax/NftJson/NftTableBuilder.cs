using System.Collections.Immutable;
using System.Text.Json;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.NftJson;

/// <summary>Collects one nft table's sets, chains and rules while the document is read.</summary>
internal sealed class NftTableBuilder(string family, string name, SourceSpan span)
{
    private readonly Dictionary<string, NftSet> sets = [];
    private readonly List<(string Name, Verdict? Policy, BaseChain? Base, SourceSpan Span)> chains = [];
    private readonly Dictionary<string, List<Rule>> rules = [];
    private bool usesXt;

    public string Family { get; } = family;

    public string Name { get; } = name;

    /// <summary>Where the table is listed.</summary>
    public SourceSpan At => span;

    public IpFamily AddressFamily => Family == "ip6" ? IpFamily.V6 : IpFamily.V4;

    public void AddSet(NftSet set) => sets[set.Name] = set;

    public NftSet? FindSet(string setName) => sets.GetValueOrDefault(setName);

    public void AddChain(JsonElement c, SourceSpan at)
    {
        var chainName = c.GetProperty("name").GetString() ?? "";
        BaseChain? hooked = null;
        Verdict? policy = null;
        if (c.TryGetProperty("hook", out var hook))
        {
            var prio = c.TryGetProperty("prio", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt32() : 0;
            hooked = new BaseChain(c.TryGetProperty("type", out var t) ? t.GetString() ?? "filter" : "filter", hook.GetString() ?? "", prio);
            policy = c.TryGetProperty("policy", out var pol) && pol.GetString() == "drop" ? Verdict.Drop : Verdict.Accept;
        }

        chains.Add((chainName, policy, hooked, at));
        rules.TryAdd(chainName, []);
    }

    public void AddRule(JsonElement r, SourceSpan at, List<Diagnostic> diagnostics)
    {
        var chainName = r.GetProperty("chain").GetString() ?? "";
        if (!rules.TryGetValue(chainName, out var list))
        {
            diagnostics.Add(NftMessages.Malformed(at, $"a chain of table {Family} {Name}", $"rule in '{chainName}', which is not listed"));
            return;
        }

        var read = new NftRuleReader(this, chainName, at, diagnostics).Read(r, list.Count);
        usesXt |= read.UsesXt;
        list.AddRange(read.Rules);
    }

    public Table Build(List<Diagnostic> diagnostics)
    {
        if (usesXt) diagnostics.Add(NftMessages.ManagedByIptablesNft(span, Family, Name));
        var built = chains.Select(c =>
            new Chain(c.Name, c.Policy, Counters.Zero, [.. rules[c.Name]], c.Span) { Base = c.Base });
        return new Table(Name, [.. built], span) { Family = Family, IsNative = true, ManagedByIptablesNft = usesXt };
    }
}
