namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// Merges neighbouring rules with the same target whose boxes differ on one dimension only: a packet
/// matching either goes to the same target, so one rule with the union of the two sets is the same
/// chain. Only used when regions need no rules (the merged rule stands for several). Only targets
/// that end the packet's way through the chain merge: after a jump (whose chain may return) or a
/// MARK the packet goes on, so a packet matching both rules meets the target twice (a mark XORed
/// twice is back where it was), which one merged rule would do once.
/// </summary>
internal static class RuleRuns
{
    public static CompiledRule[] Merge(CompiledRule[] rules)
    {
        var merged = new List<CompiledRule>(rules.Length);
        foreach (var rule in rules)
        {
            if (merged.Count > 0 && TryMerge(merged[^1], rule) is { } both) merged[^1] = both;
            else merged.Add(rule);
        }

        return merged.ToArray();
    }

    private static CompiledRule? TryMerge(CompiledRule a, CompiledRule b)
    {
        if (a.Doubt is not null || b.Doubt is not null || a.Action != b.Action || GoesOn(a.Action.Kind)) return null;
        if (a.Shapes.Length != 1 || b.Shapes.Length != 1) return null;
        var (x, y) = (a.Shapes[0], b.Shapes[0]);
        if (!Equals(x.Mark, y.Mark) || x.Constraints.Length != y.Constraints.Length || x.Arrival.Length + y.Arrival.Length > 0) return null;
        var differing = -1;
        for (var i = 0; i < x.Constraints.Length; i++)
        {
            if (x.Constraints[i].Dimension != y.Constraints[i].Dimension) return null;
            if (x.Constraints[i].Set.Equals(y.Constraints[i].Set)) continue;
            if (differing >= 0) return null;
            differing = i;
        }

        if (differing < 0) return a;
        var constraints = (ReadOnlySpan<(Dimension, IntervalSet)>)x.Constraints;
        var copy = constraints.ToArray();
        copy[differing] = (copy[differing].Item1, x.Constraints[differing].Set.Union(y.Constraints[differing].Set));
        return a with { Shapes = [new RuleShape(copy, x.Mark)] };
    }

    private static bool GoesOn(ActionKind kind) => kind is ActionKind.Jump or ActionKind.Mark or ActionKind.ConnectionMark or ActionKind.Untrack;
}
