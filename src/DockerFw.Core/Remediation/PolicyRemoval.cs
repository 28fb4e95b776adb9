using System.Collections.Immutable;
using System.Text;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Core.Remediation;

/// <summary>
/// The plan of <c>apply --remove</c>: dockerfw's chain and every jump to it taken away, nothing else
/// named, so the host is left as Docker and the admin made it. Applied like any plan (backup, one
/// <c>--noflush</c> transaction, read-back, undo on failure), and undone by <see cref="PolicyUndo"/>,
/// which puts the chain and its jump back.
/// </summary>
public static class PolicyRemoval
{
    /// <summary>Both families' removal; the IPv6 half only when ip6tables has dockerfw's chain.</summary>
    public static PolicyPlan Plan(Ruleset v4, Ruleset? v6)
    {
        var ipv4 = Plan(v4);
        return v6?["filter"]?[PolicyPlanner.Chain] is null ? ipv4 : ipv4 with { Ipv6 = Plan(v6) };
    }

    /// <summary>One family's removal: an empty diff when dockerfw's chain is not there.</summary>
    public static PolicyPlan Plan(Ruleset before)
    {
        var filter = before["filter"];
        if (filter?[PolicyPlanner.Chain] is null) return new PolicyPlan(before, before, [], false, "", "");

        var jumps = filter.Chains.SelectMany(c => c.Rules.Where(JumpsToOwnChain).Select(r => (Chain: c, Rule: r))).ToList();
        var input = new StringBuilder("*filter\n");
        // Declaring the chain under --noflush flushes it; the jumps must go before the chain can.
        input.Append($":{PolicyPlanner.Chain} - [0:0]\n");
        foreach (var (_, rule) in jumps) input.Append("-D").Append(IptablesSaveWriter.FormatRule(rule).AsSpan(2)).Append('\n');
        input.Append($"-X {PolicyPlanner.Chain}\nCOMMIT\n");

        var chains = filter.Chains
            .Where(c => c.Name != PolicyPlanner.Chain)
            .Select(c => c with { Rules = [.. c.Rules.Where(r => !JumpsToOwnChain(r)).Select((r, i) => r with { Number = i + 1 })] })
            .ToImmutableArray();
        var after = before with { Tables = [.. before.Tables.Select(t => t == filter ? t with { Chains = chains } : t)] };
        var diff = UnifiedDiff.Of(IptablesSaveWriter.Write(before, includeCounters: false), IptablesSaveWriter.Write(after, includeCounters: false),
            before.Family == IpFamily.V4 ? "iptables-save" : "ip6tables-save");
        return new PolicyPlan(before, after, [], false, input.ToString(), diff);
    }

    private static bool JumpsToOwnChain(Rule rule) => rule.Target is JumpTarget { Chain: PolicyPlanner.Chain };
}
