using System.Collections.Frozen;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>A chain of compiled rules; built-in chains carry their policy.</summary>
internal sealed record CompiledChain(string Table, string Name, Verdict? Policy, CompiledRule[] Rules);

/// <summary>
/// A ruleset compiled once for many symbolic walks: its packet space (the interface alphabet of every
/// name the rules and the caller mention) and every chain of every table, indexed by name.
/// </summary>
public sealed class SymbolicRuleset
{
    private readonly FrozenDictionary<(string Table, string Chain), CompiledChain> _chains;

    private SymbolicRuleset(Ruleset source, PacketSpace space, FrozenDictionary<(string, string), CompiledChain> chains)
    {
        Source = source;
        Space = space;
        _chains = chains;
        Doubts = chains.Values.SelectMany(c => c.Rules)
            .Where(r => r.Doubt is not null || r.Action.Kind == ActionKind.Undecided)
            .ToFrozenDictionary(r => r.Ref, r => (r.Doubt ?? r.Action.Reason)!);
    }

    public Ruleset Source { get; }

    public PacketSpace Space { get; }

    /// <summary>
    /// Compiles <paramref name="ruleset"/>. <paramref name="interfaces"/> are names or <c>+</c> patterns
    /// a query will use beyond those in the rules; <paramref name="localAddresses"/>, when known, make
    /// <c>-m addrtype --dst-type LOCAL</c> exact (they must be every address of the host).
    /// </summary>
    public static SymbolicRuleset Compile(Ruleset ruleset, IEnumerable<InterfacePattern>? interfaces = null, IntervalSet? localAddresses = null)
    {
        var patterns = ruleset.Rules.SelectMany(r => r.Matches).OfType<InterfaceMatch>().Select(m => m.Value)
            .Concat(interfaces ?? []);
        var space = new PacketSpace(ruleset.Family, InterfaceAlphabet.Of(patterns, []));
        var chains = new Dictionary<(string, string), CompiledChain>();
        foreach (var table in ruleset.Tables)
        {
            // A repeated table block replaces the earlier one, as restore does.
            if (!ReferenceEquals(ruleset[table.Name], table)) continue;
            foreach (var chain in table.Chains)
            {
                var rules = chain.Rules.Select(r => RuleCompiler.Compile(table.Name, r, space, localAddresses)).ToArray();
                chains[(table.Name, chain.Name)] = new CompiledChain(table.Name, chain.Name, chain.Policy, rules);
            }
        }

        return new SymbolicRuleset(ruleset, space, chains.ToFrozenDictionary());
    }

    internal CompiledChain? Chain(string table, string chain) => _chains.GetValueOrDefault((table, chain));

    /// <summary>Why each rule that cannot be decided from the dump may or may not match.</summary>
    public IReadOnlyDictionary<ResponsibleRule, string> Doubts { get; }
}
