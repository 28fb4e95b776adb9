namespace DockerFw.Core.Semantics.Symbolic;

internal static partial class FlowSplitter
{
    /// <summary>
    /// A rule whose only doubt is its <c>--ctdir</c>/<c>--ctorig*</c> conditions (<see cref="CompiledRule.OriginalTuple"/>),
    /// met by packets whose connection the question tells (<see cref="ToldConnection"/>): inside the rule's
    /// open part (<paramref name="doubtful"/>) it matches the told packets surely where <paramref name="decided"/>
    /// says, may match them where it leaves them unsure, and misses the rest; outside, as everywhere, certainly.
    /// </summary>
    private static void SplitTold(Flow flow, CompiledRule rule, (RuleShape[] Sure, RuleShape[] Unsure) decided, RuleShape[] doubtful,
        List<Flow> matched, List<Flow> unmatched, bool trackRules, Dimension? hidden, int noInterface)
    {
        var (open, rest) = Open(flow, rule, doubtful, hidden, noInterface);
        foreach (var piece in rest) Split(piece, rule, false, matched, unmatched, trackRules, hidden, noInterface);
        if (open.Count == 0) return;
        // The sure and the unsure shapes are disjoint (each a part of one of the rule's disjoint shapes).
        var (sure, unsure, missed) = (rule with { Shapes = decided.Sure }, rule with { Shapes = decided.Unsure }, new List<Flow>());
        foreach (var piece in open) Split(piece, sure, false, matched, missed, trackRules, hidden, noInterface);
        foreach (var piece in missed) Split(piece, unsure, true, matched, unmatched, trackRules, hidden, noInterface);
    }
}
