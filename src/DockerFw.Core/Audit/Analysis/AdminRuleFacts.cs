using System.Collections.Immutable;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>What the engine proves of an admin's rule on the forward path.</summary>
public enum RuleFate
{
    /// <summary>No packet that reaches the rule satisfies it.</summary>
    NeverMatches,

    /// <summary>Packets that satisfy it reach its chain, but earlier rules of the chain decide every one of them.</summary>
    Shadowed,

    /// <summary>It matches some packets, but misses DNATed ones it would match by their original destination.</summary>
    MissesDnat,
}

/// <summary>
/// One admin rule the engine proves useless or blind to DNAT: the rule, its fate, the earlier rules
/// that decide its packets (shadowed), the DNAT rules that rewrote the packets it misses, and those
/// packets as they arrived (their original destination ports and addresses).
/// </summary>
public sealed record AdminRuleFact(
    ResponsibleRule Rule,
    RuleFate Fate,
    ImmutableArray<ResponsibleRule> DecidedBy,
    ImmutableArray<ResponsibleRule> Dnats,
    PacketSet Missed);

/// <summary>
/// Finds the admin's rules on the forward path (DOCKER-USER, FORWARD's rules Docker did not write,
/// the chains they jump to, native nft chains on the forward hook) that never match or are
/// shadowed, over every packet of every path that reaches their chain: one walk watches them all.
/// Docker's own chains and rules are Docker's business; rules that only count, that the dump cannot
/// decide, or that end a chain with RETURN (which does nothing) are never judged. When the walk is
/// over its budget, or some packets end where the engine cannot follow them, no rule is judged and
/// the answer says why; a rule whose packets are taken first by ways that depend on rules the dump
/// cannot decide is not called shadowed, and the answer names those rules.
/// </summary>
public static class AdminRuleFacts
{
    /// <param name="budget">Rule tries the walk may take (<see cref="RuleArrivals.DefaultBudget"/>).</param>
    public static AdminRuleAnswer Of(AuditInputs inputs, SymbolicRuleset rules, bool native, long budget = RuleArrivals.DefaultBudget)
    {
        var ruleset = inputs.Ruleset;
        var bases = AdminChains.Bases(ruleset, native);
        var watched = AdminChains.Reachable(ruleset, bases.Where(b => b.Path == PacketPath.Forward).Select(b => b.Chain))
            .Where(c => !AdminChains.Dockers(c)).ToHashSet();
        if (watched.Count == 0) return AdminRuleAnswer.Nothing;
        var bridges = inputs.Networks.Select(n => n.Bridge).ToHashSet();
        // Only rules that do something, that the dump decides and that Docker did not write are
        // judged: without one there is nothing to walk for (a Docker host whose DOCKER-USER holds only
        // its RETURN), and the whole-space walk of Docker's per-bridge FORWARD rules grows as the
        // square of the bridges (0.9 s of CPU at 100 of them, to be thrown away).
        var judged = watched.SelectMany(c => AdminChains.Chain(ruleset, c.Table, c.Chain) is { } chain
                ? chain.Rules.Where(r => Decides(rules, ResponsibleRule.Of(c.Table, r)) && !EndsChain(chain, r) && !DockerWrote(chain, r, bridges))
                    .Select(r => ResponsibleRule.Of(c.Table, r))
                : []).ToHashSet();
        if (judged.Count == 0) return AdminRuleAnswer.Nothing;
        var paths = bases.Where(b => AdminChains.Reachable(ruleset, [b.Chain]).Overlaps(watched)).Select(b => b.Path).Distinct().ToList();
        // Only the judged rules' arrivals are asked: the walk stops where packets can reach none of them.
        var arrivals = RuleArrivals.Walk(rules, watched, paths, budget, asked: judged.Contains);
        if (arrivals is null) return new([], [new AdminRulesOverBudget(ChainsOf(judged), judged.Count, budget)]);
        if (arrivals.SomeUndecided) return new([], [new AdminRulesUndecided(ChainsOf(judged), judged.Count, Undecided(arrivals, rules))]);

        var hostAddresses = inputs.HostModel.Addresses.Where(a => a.Family == inputs.Family)
            .Aggregate(IntervalSet.Empty, (s, a) => s.Union(IntervalSet.Single(a.Address)));
        var facts = ImmutableArray.CreateBuilder<AdminRuleFact>();
        var doubts = ImmutableArray.CreateBuilder<AdminRuleDoubt>();
        foreach (var (table, chainName) in watched.OrderBy(c => c.Table, StringComparer.Ordinal).ThenBy(c => c.Chain, StringComparer.Ordinal))
        {
            if (!arrivals.Entered(table, chainName) || AdminChains.Chain(ruleset, table, chainName) is not { } chain) continue;
            foreach (var source in chain.Rules)
            {
                var rule = ResponsibleRule.Of(table, source);
                if (!judged.Contains(rule)) continue;
                var (fact, doubt) = Judge(rule, arrivals, rules, hostAddresses);
                if (fact is not null) facts.Add(fact);
                if (doubt is not null) doubts.Add(doubt);
            }
        }

        return new(facts.ToImmutable(), doubts.ToImmutable());
    }

    private static ImmutableArray<(string Table, string Chain)> ChainsOf(IEnumerable<ResponsibleRule> rules) =>
        [.. rules.Select(r => (r.Table, r.Chain)).Distinct().OrderBy(c => c.Table, StringComparer.Ordinal).ThenBy(c => c.Chain, StringComparer.Ordinal)];

    /// <summary>
    /// The packets that ended undecided, walked again with the rules recorded: each part names the
    /// rule whose target the engine cannot follow (a queue, a target it does not model, a jump to a
    /// chain the dump does not hold) and why.
    /// </summary>
    private static ImmutableArray<UndecidedPackets> Undecided(RuleArrivals arrivals, SymbolicRuleset rules) =>
        [.. arrivals.Undecided.SelectMany(u => SymbolicEngine.Reach(rules, u.Path, u.Packets).Regions
                .Where(r => r.Verdict == ReachVerdict.Maybe)
                .Select(r => (u.Path, r.Packets, Rule: r.RulesOmitted == 0 ? r.Rules.LastOrDefault() : null)))
            .GroupBy(p => (p.Path, p.Rule))
            .Select(g => new UndecidedPackets(g.Key.Path, g.Aggregate(PacketSet.Empty, (s, p) => s.Union(p.Packets)), g.Key.Rule, Why(g.Key.Rule, rules)))];

    private static string Why(ResponsibleRule? rule, SymbolicRuleset rules)
    {
        if (rule is null || rules.RuleAt(rule) is not { } compiled) return "the engine cannot follow them";
        if (compiled.Action.Reason is { } reason) return reason;
        if (compiled.Action.Chain is { } chain)
            return rules.Chain(rule.Table, chain) is null ? $"it jumps to {chain}, which the dump does not hold" : $"it jumps to {chain}, a chain the engine does not follow there";
        return "the engine cannot follow its target";
    }

    /// <summary>As <see cref="RuleArrivals.Decides"/>, from the compiled rules alone.</summary>
    private static bool Decides(SymbolicRuleset rules, ResponsibleRule rule) =>
        rules.RuleAt(rule) is { Doubt: null, Action.Kind: not (ActionKind.Continue or ActionKind.Undecided) };

    private static (AdminRuleFact? Fact, AdminRuleDoubt? Doubt) Judge(ResponsibleRule rule, RuleArrivals arrivals, SymbolicRuleset rules, IntervalSet hostAddresses)
    {
        var missed = arrivals.MissedByDnat(rule, hostAddresses);
        if (arrivals.Matched(rule))
            return (missed.Count == 0 ? null : new(rule, RuleFate.MissesDnat, [], Dnats(missed, arrivals, rules), Union(missed)), null);
        var satisfying = arrivals.Satisfying(rule);
        if (satisfying.Count == 0) return (new(rule, RuleFate.NeverMatches, [], Dnats(missed, arrivals, rules), Union(missed)), null);
        // Packets that satisfy it entered its chain and never reached it: walked again with the rules
        // recorded, each way names the rule of the chain that took them first. A way that depends on
        // a rule the dump cannot decide names no sure decider: the rule is not called shadowed.
        var deciders = new List<ResponsibleRule>();
        var doubts = new Dictionary<ResponsibleRule, string>();
        var undecided = false;
        foreach (var (path, packets) in satisfying)
        {
            var result = SymbolicEngine.Reach(rules, path, packets);
            foreach (var region in result.Regions)
            {
                foreach (var doubt in region.Doubts) doubts[doubt] = result.DoubtReasons.GetValueOrDefault(doubt) ?? "undecidable";
                var decider = region.Rules.LastOrDefault(r => r.Table == rule.Table && r.Chain == rule.Chain && r.Number < rule.Number);
                undecided |= region.Verdict == ReachVerdict.Maybe || !region.Doubts.IsEmpty || decider is null;
                if (decider is not null) deciders.Add(decider);
            }
        }

        return undecided
            ? (null, new AdminRuleUndecided(rule, [.. doubts.OrderBy(d => d.Key.Line).Select(d => (d.Key, d.Value))]))
            : (new(rule, RuleFate.Shadowed, [.. deciders.Distinct().OrderBy(r => r.Number)], [], PacketSet.Empty), null);
    }

    private static ImmutableArray<ResponsibleRule> Dnats(IReadOnlyList<(PacketPath Path, PacketSet Packets)> missed, RuleArrivals arrivals, SymbolicRuleset rules) =>
        [.. missed.SelectMany(m => SymbolicEngine.Reach(rules, m.Path, m.Packets).Regions)
            .SelectMany(r => r.Rules).Where(arrivals.Dnats).Distinct().OrderBy(r => r.Line)];

    private static PacketSet Union(IReadOnlyList<(PacketPath Path, PacketSet Packets)> sets) =>
        sets.Aggregate(PacketSet.Empty, (s, m) => s.Union(m.Packets));

    /// <summary>A RETURN as a user chain's last rule changes nothing, matched or not (Docker ends DOCKER-USER so).</summary>
    private static bool EndsChain(Chain chain, Rule rule) =>
        chain.Base is null && chain.Policy is null && rule.Target is VerdictTarget { Verdict: Verdict.Return } && ReferenceEquals(rule, chain.Rules[^1]);

    /// <summary>
    /// Docker's own rules in FORWARD: its jumps to its chains, and its per-bridge rules that name a
    /// bridge and test nothing but interfaces and conntrack state.
    /// </summary>
    private static bool DockerWrote(Chain chain, Rule rule, HashSet<string> bridges)
    {
        if (chain.Name != "FORWARD" || chain.Base is not null) return false;
        if (rule.Target is JumpTarget j && j.Chain.StartsWith("DOCKER", StringComparison.Ordinal)) return true;
        var interfaces = rule.Matches.OfType<InterfaceMatch>().ToList();
        return interfaces.Any(m => bridges.Contains(m.Value.Text))
            && rule.Matches.All(m => m is InterfaceMatch or ConntrackStateMatch or CommentMatch)
            && rule.Target is VerdictTarget or JumpTarget;
    }
}
