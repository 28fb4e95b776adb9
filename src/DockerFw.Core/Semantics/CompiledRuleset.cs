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
        foreach (var name in ruleset.Tables.Select(t => t.Name).Distinct())
            _tables[name] = CompileTable(ruleset[name]!);
    }

    public Ruleset Ruleset { get; }

    public static CompiledRuleset Compile(Ruleset ruleset) => new(ruleset);

    internal CompiledTable? this[string table] => _tables.GetValueOrDefault(table);

    private static CompiledTable CompileTable(Table table)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var chain in table.Chains) index.TryAdd(chain.Name, index.Count);
        var chains = index.Keys.Select(name =>
        {
            var chain = table[name]!;
            var rules = chain.Rules.Select(rule => new CompiledRule(
                rule,
                RuleRef.Of(table.Name, rule),
                ConditionCompiler.Compile(rule),
                ActionCompiler.Compile(rule.Target, n => index.TryGetValue(n, out var i) ? i : -1))).ToArray();
            return new CompiledChain(chain.Name, chain.Policy, rules);
        }).ToArray();
        return new CompiledTable(table.Name, chains, index);
    }
}
