using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Checks;

/// <summary>
/// DFW613: what the admin-rule walk could not decide, in words: which rules went unjudged and why
/// (over budget, packets the engine cannot follow, ways that depend on rules the dump cannot decide),
/// so that the absence of DFW610-612 never reads as "every admin rule does something".
/// </summary>
internal static class AdminRuleDoubtText
{
    // The packet parts a message names before it counts the rest.
    private const int MaxParts = 3;

    public static Finding Describe(AdminRuleDoubt doubt, Ruleset ruleset, PacketSpace space, string prefix) => doubt switch
    {
        AdminRulesOverBudget over => Finding.Of(FindingCodes.AdminRulesNotJudged,
            $"{prefix}{Unjudged(over.Rules, over.Chains)}: walking every packet that reaches {(over.Rules == 1 ? "it" : "them")} would take more than {over.Budget:N0} rule {(over.Budget == 1 ? "try" : "tries")}, the walk's budget. "
            + $"Whether {(over.Rules == 1 ? "it ever matches" : "they ever match")} is not claimed; ask `dockerfw reach` about the packets a rule names to decide it."),
        AdminRulesUndecided undecided => Finding.Of(FindingCodes.AdminRulesNotJudged,
            $"{prefix}{Unjudged(undecided.Rules, undecided.Chains)}: {Parts(undecided.Parts, ruleset, space)}, and may go on to reach {(undecided.Rules == 1 ? "it" : "them")}. "
            + $"Whether {(undecided.Rules == 1 ? "it ever matches" : "they ever match")} is not claimed; check {(undecided.Rules == 1 ? "it" : "them")} by hand.",
            evidence: undecided.Parts.Where(p => p.Rule is not null).Select(p => p.Rule!).Distinct()
                .Select(r => EvidenceOf.Rule(ruleset, r, "leaves packets undecided"))),
        AdminRuleUndecided rule => Finding.Of(FindingCodes.AdminRulesNotJudged,
            $"{prefix}{Place(rule.Rule)} rule {rule.Rule.Number} is not judged: the packets it would match are taken before it on ways that "
            + (rule.Doubts.IsEmpty ? "the engine cannot follow to their end"
                : $"depend on {string.Join("; ", rule.Doubts.Select(d => $"{Place(d.Rule)} rule {d.Rule.Number}, which the dump cannot decide: {d.Reason}"))}")
            + ". Whether it is shadowed is not claimed; check it by hand.",
            evidence: [EvidenceOf.Rule(ruleset, rule.Rule, "not judged"), .. rule.Doubts.Select(d => EvidenceOf.Rule(ruleset, d.Rule, "cannot be decided: " + d.Reason))]),
        _ => throw new ArgumentOutOfRangeException(nameof(doubt)),
    };

    public static string Place(ResponsibleRule rule) => Place(rule.Table, rule.Chain);

    private static string Place(string table, string chain) => table == "filter" ? chain : $"{table} {chain}";

    /// <summary><c>the admin's 3 rules in DOCKER-USER and FORWARD were not judged</c>.</summary>
    private static string Unjudged(int rules, IReadOnlyList<(string Table, string Chain)> chains) =>
        $"the admin's {(rules == 1 ? "rule" : $"{rules} rules")} in {string.Join(" and ", chains.Select(c => Place(c.Table, c.Chain)))} {(rules == 1 ? "was" : "were")} not judged";

    /// <summary>
    /// <c>forwarded packets in by eth0 (tcp/22) stop at DOCKER-USER rule 1, where the engine cannot
    /// follow them (why)</c>, a few parts, then how many more.
    /// </summary>
    private static string Parts(IReadOnlyList<UndecidedPackets> parts, Ruleset ruleset, PacketSpace space)
    {
        var named = parts.Take(MaxParts).Select(p => Packets(p.Path, p.Packets, space, ruleset.Family)
            + (p.Rule is null ? " end" : $" stop at {Place(p.Rule)} rule {p.Rule.Number},") + $" where the engine cannot follow them ({p.Reason})");
        return string.Join("; ", named) + (parts.Count > MaxParts ? $"; and {parts.Count - MaxParts} more" : "");
    }

    /// <summary>Packets of a path in the flows' words: where they come in, then what they are (<c>tcp/22 to 10.0.0.2 via eth1</c>).</summary>
    private static string Packets(PacketPath path, PacketSet packets, PacketSpace space, IpFamily family)
    {
        var kind = path switch { PacketPath.Forward => "forwarded packets", PacketPath.Input => "packets to the host", _ => "packets from the host" };
        // Interfaces are named against those the path has: a forwarded packet comes in and leaves by one.
        var universe = space.Universe(path).Boxes;
        IntervalSet Union(IEnumerable<Box> boxes, Dimension d) => boxes.Aggregate(IntervalSet.Empty, (s, b) => s.Union(b[d]));
        var by = path == PacketPath.Output ? null : FlowText.Via(Union(packets.Boxes, Dimension.In), Union(universe, Dimension.In), space);
        var outs = path == PacketPath.Input ? null : Union(universe, Dimension.Out);
        var flows = FlowMerge.Of(packets.Boxes.Select(b => (b, ReplyFate.Connection, false)), space.Full(Dimension.Dst), space, family,
            sources: space.Full(Dimension.Src), outs: outs).Select(FlowWords.Of).ToList();
        var what = flows.Count <= MaxParts ? string.Join(", ", flows) : $"{string.Join(", ", flows.Take(MaxParts))} and {flows.Count - MaxParts} more";
        return $"{kind}{(by is null ? "" : $" in by {by}")} ({what})";
    }
}
