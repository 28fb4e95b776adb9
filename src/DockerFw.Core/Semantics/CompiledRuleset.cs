using DockerFw.Core.Model;
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

    private CompiledRuleset(Ruleset ruleset)
    {
        Ruleset = ruleset;
        // A repeated *table block replaces the earlier one, as restore flushes on each.
        foreach (var table in ruleset.Tables) _tables[table.Name] = CompileTable(table);
    }

    public Ruleset Ruleset { get; }

    public static CompiledRuleset Compile(Ruleset ruleset) => new(ruleset);

    internal CompiledTable? this[string table] => _tables.GetValueOrDefault(table);

    private static CompiledTable CompileTable(Table table)
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
                table.Name,
                rule,
                ConditionCompiler.Compile(rule),
                ActionCompiler.Compile(rule.Target, n => index.TryGetValue(n, out var i) ? i : -1))).ToArray();
            return new CompiledChain(chain.Name, chain.Policy, rules);
        }).ToArray();
        return new CompiledTable(table.Name, chains, index);
    }
}
