using DockerFw.Core.Model.Targets;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// Whether a table's chain can end a flow in anything but ACCEPT: no DROP, REJECT or undecided target,
/// no DROP policy, no MASQUERADE or REDIRECT that drops where an interface has no address, no jump to
/// a missing chain or a loop. Behind such tables a flow accepted now is accepted at the end of the path,
/// so an owned flow's ACCEPT is final at once (<see cref="Ownership"/>).
/// </summary>
internal static class AcceptOnly
{
    // Deeper nesting than this is not followed (the walk ends a loop at its own depth in MAYBE).
    private const int MaxNesting = 50;

    public static bool Holds(SymbolicRuleset rules, string table, string chain) =>
        rules.Chain(table, chain) is not { } compiled || (compiled.Policy != Verdict.Drop && Holds(rules, compiled, []));

    private static bool Holds(SymbolicRuleset rules, CompiledChain chain, List<CompiledChain> open)
    {
        if (open.Count > MaxNesting || open.Contains(chain)) return false;
        open.Add(chain);
        foreach (var rule in chain.Rules)
        {
            var action = rule.Action;
            var fine = action.Kind switch
            {
                ActionKind.Continue or ActionKind.Accept or ActionKind.Return or ActionKind.Mark or ActionKind.ConnectionMark
                    or ActionKind.Untrack => true,
                ActionKind.Dnat or ActionKind.Snat => action.Interfaces is null,
                ActionKind.Jump or ActionKind.Goto => rules.Chain(chain.Table, action.Chain!) is { Policy: null } target
                    && Holds(rules, target, open),
                _ => false,
            };
            if (!fine) return false;
        }

        open.RemoveAt(open.Count - 1);
        return true;
    }
}
