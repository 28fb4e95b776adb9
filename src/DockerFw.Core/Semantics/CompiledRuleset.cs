using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Evaluation;

namespace DockerFw.Core.Semantics;

/// <summary>
/// A ruleset in the form the tracer walks: tables by name, chains by index, jumps resolved, every
/// rule's conditions compiled. Built once per ruleset (<see cref="PacketTracer"/> caches it), so a
/// trace after load only tests conditions.
/// </summary>
public sealed class CompiledRuleset
{
    private readonly Dictionary<string, CompiledTable> _tables = new(StringComparer.Ordinal);
    private readonly List<(Table Source, CompiledTable Compiled)> _native = [];

    private CompiledRuleset(Ruleset ruleset)
    {
        Ruleset = ruleset;
        // A repeated *table block replaces the earlier one, as restore flushes on each.
        foreach (var table in ruleset.Tables)
        {
            // nft tables are named per family and may share a name with an iptables table ("filter"):
            // their rules are named "family table", as the symbolic engine names them.
            if (table.IsNative) _native.Add((table, CompileTable(table, table.QualifiedName)));
            else _tables[table.Name] = CompileTable(table, table.Name);
        }
    }

    public Ruleset Ruleset { get; }

    public static CompiledRuleset Compile(Ruleset ruleset) => new(ruleset);

    internal CompiledTable? this[string table] => _tables.GetValueOrDefault(table);

    /// <summary>
    /// The base chains on <paramref name="hook"/> in the order the kernel runs them: iptables' tables
    /// (in <paramref name="iptablesTables"/>'s order) and the nft base chains of the packet's family,
    /// by priority; on a tie iptables first.
    /// </summary>
    internal IReadOnlyList<HookStage> StagesOf(Hook hook, string[] iptablesTables, IpFamily family)
    {
        var stages = new List<HookStage>(iptablesTables.Length);
        foreach (var name in iptablesTables)
        {
            var table = this[name];
            stages.Add(new HookStage(table, table?[hook.ChainName()], name == "nat", HookStage.PriorityOf(name, hook)));
        }

        if (_native.Count == 0) return stages;
        foreach (var (source, compiled) in _native)
        {
            if (!SeesFamily(source.Family, family)) continue;
            foreach (var chain in source.Chains)
            {
                if (chain.Base is not { } hooked || hooked.Hook != hook.NftName()) continue;
                var table = compiled.AsNat(hooked.Type == "nat");
                stages.Add(new HookStage(table, table[chain.Name], table.IsNat, hooked.Priority, Native: true));
            }
        }

        return [.. stages.OrderBy(s => s.Priority)];
    }

    private static bool SeesFamily(string? nftFamily, IpFamily family) => nftFamily switch
    {
        "inet" => true,
        "ip" => family == IpFamily.V4,
        "ip6" => family == IpFamily.V6,
        _ => false,
    };

    private static CompiledTable CompileTable(Table table, string name)
    {
        // Table's own indexer searches linearly; a kube-proxy table has tens of thousands of chains.
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var declared = new List<Chain>();
        foreach (var chain in table.Chains)
        {
            if (index.TryAdd(chain.Name, index.Count)) declared.Add(chain);
        }

        var chains = declared.Select(chain =>
        {
            var rules = chain.Rules.Select(rule => new CompiledRule(
                name,
                rule,
                ConditionCompiler.Compile(rule),
                ActionCompiler.Compile(rule.Target, n => index.TryGetValue(n, out var i) ? i : -1))).ToArray();
            return new CompiledChain(chain.Name, chain.Policy, rules);
        }).ToArray();
        return new CompiledTable(name, chains, index);
    }
}
