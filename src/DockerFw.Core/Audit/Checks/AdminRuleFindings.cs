using System.Collections.Immutable;
using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Checks;

/// <summary>
/// The admin's rules on the forward path that never match, are shadowed, or miss the published
/// ports they name (DFW610-612), per family, and those the walk could not judge and why (DFW613). A
/// rule of a native inet table is reported once, from the IPv4 rules, and only when the IPv6 rules
/// prove the same of it: IPv6 packets cross it too; what the IPv6 walk could not decide is said too.
/// </summary>
internal static class AdminRuleFindings
{
    /// <param name="budget">Rule tries each walk may take (<see cref="RuleArrivals.DefaultBudget"/>).</param>
    public static IEnumerable<Finding> Of(AuditContext context, AuditAnalysis analysis, long budget = RuleArrivals.DefaultBudget)
    {
        foreach (var (family, prefix) in analysis.Families)
        {
            var inputs = family.Inputs;
            // A router without Docker is not this audit's subject, and its whole-space walk can be long.
            if (!AuditAnalysis.DockerManages(inputs.Ruleset)) continue;
            var v4 = inputs.Family == IpFamily.V4;
            var answer = AdminRuleFacts.Of(inputs, family.Passes.Rules, native: true, budget);
            var facts = answer.Facts.Where(f => !IsInet(inputs.Ruleset, f.Rule) || v4).ToList();
            var doubts = answer.Doubts.Where(d => d is not AdminRuleUndecided u || !IsInet(inputs.Ruleset, u.Rule) || v4)
                .Select(d => AdminRuleDoubtText.Describe(d, inputs.Ruleset, family.Passes.Space, prefix)).ToList();
            // The IPv6 walk's own doubts are the IPv6 family's findings when it is audited.
            var sixAudited = analysis.V6 is { } six && AuditAnalysis.DockerManages(six.Inputs.Ruleset);
            if (v4 && facts.Any(f => IsInet(inputs.Ruleset, f.Rule))) (facts, doubts) = AgreedOverIpv6(context, facts, doubts, budget, sixAudited);
            foreach (var fact in facts) yield return Describe(fact, inputs, family.Passes.Space, prefix);
            foreach (var doubt in doubts) yield return doubt;
        }
    }

    private static bool IsInet(Ruleset ruleset, ResponsibleRule rule) => rule.Table.StartsWith("inet ", StringComparison.Ordinal);

    /// <summary>
    /// The facts of inet rules the IPv6 rules prove too; when the IPv6 walk could not decide them, its
    /// doubts join the findings (the inet rules are then not reported from IPv4 alone).
    /// </summary>
    private static (List<AdminRuleFact>, List<Finding>) AgreedOverIpv6(AuditContext context, List<AdminRuleFact> facts, List<Finding> doubts, long budget, bool sixAudited)
    {
        if (!context.V6.NativeTables.Any(t => t.Family == "inet")) return ([.. facts.Where(f => !IsInet(context.V4, f.Rule))], doubts);
        var inputs = new AuditInputs(context, IpFamily.V6);
        var passes = new SymbolicPasses(inputs);
        var answer = AdminRuleFacts.Of(inputs, passes.Rules, native: true, budget);
        var six = answer.Facts.Select(f => (f.Rule.Table, f.Rule.Chain, f.Rule.Number, f.Fate)).ToHashSet();
        var agreed = facts.Where(f => !IsInet(context.V4, f.Rule) || six.Contains((f.Rule.Table, f.Rule.Chain, f.Rule.Number, f.Fate))).ToList();
        var sixDoubts = answer.Doubts.Where(d => d is AdminRuleUndecided u ? IsInet(inputs.Ruleset, u.Rule) : !sixAudited)
            .Select(d => AdminRuleDoubtText.Describe(d, inputs.Ruleset, passes.Space, "over IPv6, "));
        return (agreed, agreed.Count < facts.Count ? [.. doubts, .. sixDoubts] : doubts);
    }

    private static Finding Describe(AdminRuleFact fact, AuditInputs inputs, PacketSpace space, string prefix)
    {
        var ruleset = inputs.Ruleset;
        var rule = fact.Rule;
        var where = $"{Place(rule)} rule {rule.Number}";
        var self = Evidence(ruleset, rule, fact.Fate switch
        {
            RuleFate.NeverMatches => "never matches",
            RuleFate.Shadowed => "shadowed",
            _ => "misses the published port",
        });
        var dnats = fact.Dnats.Select(d => Evidence(ruleset, d, "rewrites the destination first"));
        var original = Original(fact.Missed, ruleset.Family);
        var remedy = original is null ? null
            : $"To act on the published port, match the connection's original destination: -m conntrack {original}.";
        return fact.Fate switch
        {
            RuleFate.Shadowed => Finding.Of(FindingCodes.AdminRuleShadowed,
                $"{prefix}{where} is shadowed: every packet it would match is decided before it by {Rules(fact.DecidedBy)} of the same chain, so it never matches. Remove it, or move it above {(fact.DecidedBy.Length == 1 ? "that rule" : "those rules")}.",
                evidence: [self, .. fact.DecidedBy.Select(d => Evidence(ruleset, d, "decides its packets first"))]),
            RuleFate.NeverMatches => Finding.Of(FindingCodes.AdminRuleNeverMatches,
                $"{prefix}{where} never matches: no packet that reaches it satisfies its conditions"
                + (remedy is null ? ". It does nothing: remove it or correct its conditions."
                    : $"; the new connections it names arrive there DNATed to a container, with their destination rewritten. {remedy}"),
                evidence: [self, .. dnats]),
            _ => Finding.Of(FindingCodes.AdminRuleMissesDnat,
                $"{prefix}{where} never sees new connections to {Ports(fact.Missed, space)}: DNAT rewrites their destination to a container's before the forward path, and the rule matches the packet as rewritten. {remedy}",
                evidence: [self, .. dnats]),
        };
    }

    private static string Place(ResponsibleRule rule) => AdminRuleDoubtText.Place(rule);

    private static string Rules(ImmutableArray<ResponsibleRule> rules) =>
        rules.Length == 1 ? $"rule {rules[0].Number}" : $"rules {string.Join(", ", rules.Select(r => r.Number))}";

    private static Evidence Evidence(Ruleset ruleset, ResponsibleRule rule, string role)
    {
        var source = ruleset.RuleAt(rule.Table, rule.Chain, rule.Number);
        var text = source is null ? $"-A {rule.Chain} (rule {rule.Number})" : RuleText.Of(source);
        return new(rule.Table, rule.Chain, rule.Number, rule.Line, text, role) { Family = ruleset.Family };
    }

    /// <summary>The missed packets as they arrived: protocol and port, e.g. <c>tcp port 8080</c>.</summary>
    private static string Ports(PacketSet missed, PacketSpace space)
    {
        var protos = missed.Boxes.Aggregate(IntervalSet.Empty, (s, b) => s.Union(b[Dimension.Proto]));
        var ports = missed.Boxes.Aggregate(IntervalSet.Empty, (s, b) => s.Union(b[Dimension.Dport]));
        return $"{FlowText.Protocols(protos, space)} port {Join(ports)}";
    }

    /// <summary>The conntrack options naming the missed packets' original destination, null when there are none.</summary>
    private static string? Original(PacketSet missed, IpFamily family)
    {
        if (missed.IsEmpty) return null;
        var ports = missed.Boxes.Aggregate(IntervalSet.Empty, (s, b) => s.Union(b[Dimension.Dport]));
        var addresses = missed.Boxes.Aggregate(IntervalSet.Empty, (s, b) => s.Union(b[Dimension.Dst]));
        var text = ports.Count == 1 ? $"--ctorigdstport {Range(ports[0])}" : $"--ctorigdstport PORT (one rule per range: {Join(ports)})";
        if (FlowText.Addresses(addresses, IntervalSet.Range(0, family.AllOnes()), family) is { } a && !a.Contains(','))
            text += $" --ctorigdst {a}";
        return text;
    }

    private static string Join(IntervalSet set) => string.Join(",", set.Ranges.Select(Range));

    private static string Range((UInt128 First, UInt128 Last) r) => r.First == r.Last ? $"{r.First}" : $"{r.First}:{r.Last}";
}
