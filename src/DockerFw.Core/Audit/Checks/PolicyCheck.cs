using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Remediation;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Connections;

namespace DockerFw.Core.Audit.Checks;

/// <summary>
/// The host against a policy (<c>audit --policy</c>), pair by pair, through the engine
/// (<see cref="PolicyConformance"/>): each set of new connections whose fate differs from the
/// policy's is a finding with the rule that decided it, and when the cause is that dockerfw's chain is
/// gone or bypassed, one finding says so. A host that satisfies the policy gets no finding from this
/// check, whatever its chains look like.
/// </summary>
public sealed class PolicyCheck : IAuditCheck
{
    public string Name => "policy";

    public IEnumerable<Finding> Run(AuditContext context)
    {
        if (context.Policy is not { } policy) yield break;
        foreach (var (analysis, prefix) in context.Analysis().Families.Where(f => Judged(f.Analysis, policy)))
        {
            var judgement = PolicyConformance.Judge(analysis, policy);
            var differences = judgement.Differences;
            var published = PublishConformance.Judge(analysis, policy);
            if (differences.IsEmpty && published.IsEmpty) continue;

            if (NotInForce(analysis, policy, judgement) is { } why)
                yield return Finding.Of(FindingCodes.PolicyNotInForce,
                    $"{prefix}the policy {policy.File} is not in force: {why.Reason}, so the host does only what Docker's own rules do (the other policy findings list what differs). Apply it again (dockerfw apply --policy {policy.File}); after a flush or a firewall reload, re-apply from the same hook.",
                    differences.SelectMany(d => new[] { d.From.Network.Name, d.To.Network.Name }).Concat(published.Select(d => d.Member.Network.Name))
                        .Distinct().Order(StringComparer.Ordinal),
                    evidence: why.Evidence);

            foreach (var difference in differences) yield return Difference(difference, policy, prefix);
            foreach (var difference in published) yield return Published(difference, policy, prefix);
        }

        // docker-proxy's ways never cross DOCKER-USER: judged once, whatever dockerfw's chain does.
        foreach (var difference in ProxyConformance.Judge(ProxyFacts.Of(context).Host, policy)) yield return Published(difference, policy, "");
    }

    /// <summary>
    /// IPv4 always; IPv6 where a plan proves an ip6tables half (and keeps it when it has rules): the
    /// policy's networks have IPv6 and ip6tables has Docker's DOCKER-USER (without it nothing of dockerfw's can be reached there,
    /// and the plan says so instead).
    /// </summary>
    private static bool Judged(AuditAnalysis analysis, ResolvedPolicy policy) =>
        analysis.Inputs.Family == IpFamily.V4
        || (policy.HasIpv6 && analysis.Inputs.Ruleset["filter"]?[PolicyPlanner.DockerUser] is not null);

    private sealed record Cause(string Reason, IEnumerable<Evidence> Evidence);

    /// <summary>Why none of the policy's rules can be acting, or null when dockerfw's chain is hooked and reached.</summary>
    private static Cause? NotInForce(AuditAnalysis analysis, ResolvedPolicy policy, PolicyJudgement judgement)
    {
        var ruleset = analysis.Inputs.Ruleset;
        var filter = ruleset["filter"];
        if (filter?[PolicyPlanner.DockerUser] is null)
            return new($"the ruleset has no {PolicyPlanner.DockerUser} chain, where dockerfw hooks its own", []);
        if (filter[PolicyPlanner.Chain] is null)
            return new($"dockerfw's chain {PolicyPlanner.Chain} does not exist (never applied, or flushed away)", []);
        if (PolicyConformance.JumpToPolicy(ruleset) is null)
            return new($"{PolicyPlanner.DockerUser} does not jump to {PolicyPlanner.Chain} (never applied, or {PolicyPlanner.DockerUser} was flushed)",
                (filter[PolicyPlanner.DockerUser]?.Rules ?? []).Take(5).Select(r => EvidenceOf.Rule(RuleRef.Of("filter", r), "is in DOCKER-USER instead")));
        if (analysis.DockerUser.JumpFromForwardPosition is null)
            return new($"filter FORWARD does not jump to {PolicyPlanner.DockerUser}, so dockerfw's jump there never runs", []);
        if (policy.Members.Length > 1 && !judgement.AnyPassesJump)
            return new($"no new connection between the policy's containers reaches the jump from {PolicyPlanner.DockerUser} to {PolicyPlanner.Chain}: earlier rules decide first",
                judgement.Differences.SelectMany(d => d.Evidence).Distinct().Take(5).Select(e => e with { Role = e.Role + " before dockerfw's jump" }));
        return null;
    }

    private static Finding Difference(PolicyDifference difference, ResolvedPolicy policy, string prefix)
    {
        var forbidden = difference.Expected == Reachability.Blocked;
        var actual = difference.Actual switch
        {
            Reachability.Reachable => "get through",
            Reachability.OneWay => "get their first packet through but not the replies",
            Reachability.OpeningOnly => "get their first packet and its replies through but not their later packets (no connection carries data)",
            Reachability.Blocked => "are blocked",
            _ => forbidden ? "may get through (it depends on rules the dump cannot decide)" : "may be blocked (it depends on rules the dump cannot decide)",
        };
        if (difference.Why is not null) actual += $" ({difference.Why})";
        var remedy = difference.Why is not null
            ? "Set net.bridge.bridge-nf-call-iptables=1 (and load br_netfilter) so that iptables, and the policy, see them."
            : forbidden
            ? "Apply the policy again (dockerfw apply --policy FILE), or remove the rule that lets them through (see the evidence)."
            : "Apply the policy again (dockerfw apply --policy FILE): its rules name container addresses, which change when containers restart; or remove the rule that blocks them (see the evidence).";
        return Finding.Of(
            forbidden ? FindingCodes.PolicyForbiddenReachable : FindingCodes.PolicyAllowedBlocked,
            $"{prefix}{Describe(difference.From)} -> {Describe(difference.To)} {difference.Packets}: new connections {actual}, but the policy {policy.File} {(forbidden ? "blocks" : "allows")} them. {remedy.Replace("FILE", policy.File, StringComparison.Ordinal)}",
            new[] { difference.From.Network.Name, difference.To.Network.Name }.Distinct(),
            [difference.From.Container.Name, difference.To.Container.Name],
            difference.Evidence);
    }

    private static Finding Published(PublishDifference difference, ResolvedPolicy policy, string prefix)
    {
        var binding = difference.Publish.Binding;
        var member = difference.Member;
        var actual = difference.Reaches switch
        {
            true => "reach",
            false => "do not reach",
            null => "may or may not reach (it depends on rules the dump cannot decide)",
        };
        var restriction = $"{(difference.Publish.Restriction == PublishRestriction.FromSources ? "from" : "on")} {string.Join(", ", difference.Publish.Addresses)}";
        var remedy = difference.Remedy ?? (difference.Allowed
            ? "Apply the policy again (dockerfw apply --policy FILE), or remove the rule that blocks them (see the evidence)."
            : "Apply the policy again (dockerfw apply --policy FILE), or remove the rule that lets them in (see the evidence).");
        var via = difference.Through is null ? "" : " " + difference.Through;
        var arriving = difference.Interfaces is { } interfaces ? $" via {interfaces}" : "";
        return Finding.Of(
            difference.Allowed ? FindingCodes.PolicyAllowedBlocked : FindingCodes.PolicyForbiddenReachable,
            $"{prefix}{binding.Protocol}/{binding.HostPort} on {difference.Hosts} from {difference.Sources}{arriving}: new connections {actual} '{member.Container.Name}' ({binding.ContainerPort}/{binding.Protocol} on '{member.Network.Name}'){via}, but the policy {policy.File} publishes it {(difference.Allowed ? "" : "only ")}{restriction}. {remedy.Replace("FILE", policy.File, StringComparison.Ordinal)}",
            [member.Network.Name],
            [member.Container.Name],
            difference.Evidence);
    }

    private static string Describe(ContainerOnNetwork member) => $"'{member.Container.Name}' on '{member.Network.Name}'";
}
