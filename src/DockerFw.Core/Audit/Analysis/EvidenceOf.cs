using DockerFw.Core.Model;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>Evidence from what the engine reports: a trace's rules or a region's responsible rules.</summary>
public static class EvidenceOf
{
    public static Evidence Rule(RuleRef rule, string role) => new(rule.Table, rule.Chain, rule.Number, rule.Line, rule.Text, role);

    public static Evidence Rule(Ruleset ruleset, ResponsibleRule rule, string role)
    {
        var source = Source(ruleset, rule);
        var text = source is null ? $"-A {rule.Chain} (rule {rule.Number})" : RuleText.Of(source);
        return new(rule.Table, rule.Chain, rule.Number, rule.Line, text, role) { Family = ruleset.Family };
    }

    /// <summary>The rule that decided a trace, or the chain policy when none did.</summary>
    public static Evidence Decision(TraceOutcome outcome, string role) =>
        outcome.DecidedBy is { } rule ? Rule(rule, role)
        : new(outcome.Table, outcome.Hook, 0, 0, $"policy of {outcome.Table}/{outcome.Hook}", role);

    /// <summary>
    /// The rule that decided a region: for a drop, the last rule met; for an accept, the last filter
    /// rule met (NAT rules in POSTROUTING come after the decision). Null when a policy decided alone.
    /// </summary>
    public static ResponsibleRule? Deciding(ReachRegion region) =>
        region.Verdict == ReachVerdict.Accept
            ? region.Rules.LastOrDefault(r => r.Table == "filter") ?? region.Rules.LastOrDefault(r => r.Table != "nat")
            : region.Rules.LastOrDefault();

    /// <summary>The source rule a responsible rule stands for.</summary>
    public static Rule? Source(Ruleset ruleset, ResponsibleRule rule) =>
        IptablesTable(ruleset, rule.Table) is null ? null : ruleset.RuleAt(rule.Table, rule.Chain, rule.Number);

    // iptables' tables, this back end's or the other's: their rules print as iptables-save prints them.
    private static Table? IptablesTable(Ruleset ruleset, string table) =>
        ruleset.TableNamed(table) is { } found && (!found.IsNative || found.OtherBackend is not null) ? found : null;
}
