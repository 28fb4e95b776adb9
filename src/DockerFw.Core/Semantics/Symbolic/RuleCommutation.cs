using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// Whether two rules of a chain may trade places without changing what happens to any packet, as
/// the symbolic engine proves it: no packet matches both (some dimension, arrival tuple or mark of
/// every pair of their shapes is disjoint; a rule's shapes bound where it may match even when a
/// condition is undecided), or both end the packet's walk in the chain the same way (the same
/// ACCEPT, DROP, REJECT, RETURN, goto or NAT target), or one jumps to a chain whose every rule ends
/// the walk as the other rule does or returns (Docker's FORWARD <c>-o br -j DOCKER</c>, whose DOCKER
/// only accepts, beside <c>-i br ! -o br -j ACCEPT</c>): a packet meeting both ends the same either way.
/// Anything else, marks and other jumps included, keeps its order.
/// </summary>
internal static class RuleCommutation
{
    private static readonly HashSet<ActionKind> Final =
        [ActionKind.Accept, ActionKind.Drop, ActionKind.Reject, ActionKind.Return, ActionKind.Goto, ActionKind.Dnat, ActionKind.Snat];

    public static bool Commute(CompiledRule a, CompiledRule b, Func<string, CompiledChain?> chains) =>
        Disjoint(a, b) || SameEnd(a, b) || EndsAs(a, b, chains) || EndsAs(b, a, chains);

    /// <summary><paramref name="jump"/> enters a chain whose rules all end as <paramref name="final"/> does, or return.</summary>
    private static bool EndsAs(CompiledRule jump, CompiledRule final, Func<string, CompiledChain?> chains) =>
        jump.Action is { Kind: ActionKind.Jump, Chain: { } name } && Final.Contains(final.Action.Kind) && final.Action.Kind != ActionKind.Return
        && chains(name) is { } chain
        && chain.Rules.All(r => r.Action.Kind == ActionKind.Return || SameEnd(r, final));

    private static bool SameEnd(CompiledRule a, CompiledRule b) =>
        a.Action.Kind == b.Action.Kind && Final.Contains(a.Action.Kind) && TargetText(a) == TargetText(b);

    private static string TargetText(CompiledRule rule)
    {
        var text = IptablesSaveWriter.FormatRule(rule.Source);
        var at = text.IndexOf(" -j ", StringComparison.Ordinal) is var j and >= 0 ? j : text.IndexOf(" -g ", StringComparison.Ordinal);
        return at < 0 ? "" : text[at..];
    }

    private static bool Disjoint(CompiledRule a, CompiledRule b) =>
        a.Shapes.All(x => b.Shapes.All(y => Disjoint(x, y)));

    private static bool Disjoint(RuleShape x, RuleShape y)
    {
        if (x.Mark is { } m && y.Mark is { } n && !m.Overlaps(n)) return true;
        return Apart(x.Constraints, y.Constraints) || Apart(x.Arrival, y.Arrival);
    }

    private static bool Apart((Dimension Dimension, IntervalSet Set)[] x, (Dimension Dimension, IntervalSet Set)[] y) =>
        x.Any(c => y.Any(d => d.Dimension == c.Dimension && !d.Set.Overlaps(c.Set)));
}
