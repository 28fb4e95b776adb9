using DockerFw.Core.Model;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Core.Snapshot;

/// <summary>
/// The one order of a chain's rules that every order with the same behaviour shares: neighbouring
/// rules are swapped only where the symbolic engine proves they commute (<see cref="RuleCommutation"/>),
/// never because of a chain's name, and of the rules that may come next the one whose (renamed) text
/// is smallest does. Two orders of the same rules that differ only by such swaps give the same
/// result (the lexicographic normal form of a trace); an order that changes what a packet meets
/// (a RETURN moved above a DROP it overlaps) does not.
/// </summary>
internal static class CanonicalOrder
{
    // The choice costs n^2 proofs and n^2 steps: a chain longer than this keeps its order (a reorder
    // there is reported as drift, never hidden).
    private const int MaxRules = 400;

    public static Ruleset Of(Ruleset ruleset, Func<string, string> rename)
    {
        var compiled = SymbolicRuleset.Compile(ruleset);
        return ruleset with
        {
            Tables = [.. ruleset.Tables.Select(t => t.IsNative ? t : t with
            {
                Chains = [.. t.Chains.Select(c => compiled.Chain(t.Name, c.Name) is { } chain && c.Rules.Length <= MaxRules
                    ? c with { Rules = Sorted(c.Rules, chain.Rules, rename, name => compiled.Chain(t.Name, name)) }
                    : c)],
            })],
        };
    }

    private static System.Collections.Immutable.ImmutableArray<Rule> Sorted(
        System.Collections.Immutable.ImmutableArray<Rule> rules, CompiledRule[] compiled, Func<string, string> rename, Func<string, CompiledChain?> chains)
    {
        var n = rules.Length;
        if (n < 2 || compiled.Length != n) return rules;
        var texts = rules.Select(r => rename(IptablesSaveWriter.FormatRule(r))).ToArray();
        var commute = new bool[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++) commute[i, j] = commute[j, i] = RuleCommutation.Commute(compiled[i], compiled[j], chains);
        }

        var remaining = Enumerable.Range(0, n).ToList();
        var result = new List<Rule>(n);
        while (remaining.Count > 0)
        {
            var best = -1;
            for (var k = 0; k < remaining.Count; k++)
            {
                var i = remaining[k];
                var free = true;
                for (var m = 0; m < k && free; m++) free = commute[remaining[m], i];
                if (free && (best < 0 || string.CompareOrdinal(texts[i], texts[remaining[best]]) < 0)) best = k;
            }

            result.Add(rules[remaining[best]]);
            remaining.RemoveAt(best);
        }

        return [.. result];
    }
}
