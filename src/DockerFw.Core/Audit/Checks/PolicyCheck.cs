using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Model;
using DockerFw.Core.Policy;
using DockerFw.Core.Remediation;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Connections;

namespace DockerFw.Core.Audit.Checks;

/// <summary>
/// The host against a policy (<c>audit --policy</c>), claim by claim, through the engine: each
/// connection that differs from what the policy says is a finding with the rules that decided it,
/// and when the cause is that dockerfw's chain is gone or bypassed, one finding says so. A host that
/// satisfies the policy gets no finding from this check, whatever its chains look like.
/// </summary>
public sealed class PolicyCheck : IAuditCheck
{
    public string Name => "policy";

    public IEnumerable<Finding> Run(AuditContext context)
    {
        if (context.Policy is not { } policy) yield break;
        var analysis = context.Analysis();
        var claims = PolicyConformance.Judge(analysis.Inputs, policy);
        var broken = claims.Where(c => !c.Holds).ToList();
        if (broken.Count == 0) yield break;

        if (NotInForce(analysis, claims) is { } why)
            yield return Finding.Of(FindingCodes.PolicyNotInForce,
                $"the policy {policy.File} is not in force: {why.Reason}, so the host does only what Docker's own rules do ({broken.Count} of the policy's {claims.Length} claims fail; the other policy findings list them). Apply it again (dockerfw apply --policy {policy.File}); after a flush or a firewall reload, re-apply from the same hook.",
                broken.SelectMany(c => new[] { c.From.Network.Name, c.To.Network.Name }).Distinct().Order(StringComparer.Ordinal),
                evidence: why.Evidence);

        foreach (var claim in broken) yield return Difference(claim, policy);
    }

    private sealed record Cause(string Reason, IEnumerable<Evidence> Evidence);

    /// <summary>Why none of the policy's rules can be acting, or null when dockerfw's chain is hooked and reached.</summary>
    private static Cause? NotInForce(AuditAnalysis analysis, IReadOnlyList<PolicyClaim> claims)
    {
        var ruleset = analysis.Inputs.Ruleset;
        var filter = ruleset["filter"];
        if (filter?[PolicyPlanner.DockerUser] is null)
            return new($"the ruleset has no {PolicyPlanner.DockerUser} chain, where dockerfw hooks its own", []);
        if (filter[PolicyPlanner.Chain] is null)
            return new($"dockerfw's chain {PolicyPlanner.Chain} does not exist (never applied, or flushed away)", []);
        if (PolicyConformance.JumpToPolicy(ruleset) is null)
            return new($"{PolicyPlanner.DockerUser} does not jump to {PolicyPlanner.Chain} (never applied, or {PolicyPlanner.DockerUser} was flushed)",
                Rules(ruleset, PolicyPlanner.DockerUser, "is in DOCKER-USER instead"));
        if (analysis.DockerUser.JumpFromForwardPosition is null)
            return new($"filter FORWARD does not jump to {PolicyPlanner.DockerUser}, so dockerfw's jump there never runs", []);
        if (claims.Count > 0 && !claims.Any(c => c.PassesPolicyJump))
            return new($"no connection between the policy's containers reaches the jump from {PolicyPlanner.DockerUser} to {PolicyPlanner.Chain}: earlier rules decide first",
                claims.SelectMany(c => c.Result.Request.Outcomes).Select(o => EvidenceOf.Decision(o, Role(o.Verdict) + " before dockerfw's jump")).Distinct());
        return null;
    }

    private static IEnumerable<Evidence> Rules(Ruleset ruleset, string chain, string role) =>
        (ruleset["filter"]?[chain]?.Rules ?? []).Take(5).Select(r => EvidenceOf.Rule(RuleRef.Of("filter", r), role));

    private static Finding Difference(PolicyClaim claim, ResolvedPolicy policy)
    {
        var forbidden = claim.Expected == Reachability.Blocked;
        var actual = claim.Result.Reachability switch
        {
            Reachability.Reachable => "get through",
            Reachability.OneWay => "get their first packet through (the replies die)",
            Reachability.Blocked => "are blocked",
            _ => forbidden ? "may get through (it depends on rules the dump cannot decide)" : "may be blocked (it depends on rules the dump cannot decide)",
        };
        var remedy = forbidden
            ? "Apply the policy again (dockerfw apply --policy FILE), or remove the rule that lets them through (see the evidence)."
            : "Apply the policy again (dockerfw apply --policy FILE): its rules name container addresses, which change when containers restart; or remove the rule that blocks them (see the evidence).";
        var message = $"{Describe(claim.From)} -> {Describe(claim.To)} {PortText(claim.Port, policy)}: new connections {actual}, but the policy {policy.File} {(forbidden ? "blocks" : "allows")} them. {remedy.Replace("FILE", policy.File, StringComparison.Ordinal)}";
        return Finding.Of(
            forbidden ? FindingCodes.PolicyForbiddenReachable : FindingCodes.PolicyAllowedBlocked,
            message,
            new[] { claim.From.Network.Name, claim.To.Network.Name }.Distinct(),
            [claim.From.Container.Name, claim.To.Container.Name],
            Deciding(claim.Result));
    }

    /// <summary>The rules that decided each possible fate: the first packet's, and the reply's when it died.</summary>
    private static IEnumerable<Evidence> Deciding(ConnectionResult result) => result.Outcomes.SelectMany(o =>
        o.Reply is { Verdict: not PacketVerdict.Accept } reply
            ? new[] { EvidenceOf.Decision(o.Request, "accepts the first packet"), EvidenceOf.Decision(reply, Role(reply.Verdict) + " the reply") }
            : [EvidenceOf.Decision(o.Request, Role(o.Request.Verdict))]).Distinct();

    private static string Role(PacketVerdict verdict) => verdict switch
    {
        PacketVerdict.Accept => "accepts",
        PacketVerdict.Drop => "drops",
        _ => "rejects",
    };

    private static string Describe(ContainerOnNetwork member) => $"'{member.Container.Name}' on '{member.Network.Name}'";

    /// <summary>A claim on a port no statement names stands for every such port.</summary>
    private static string PortText(PortSpec port, ResolvedPolicy policy)
    {
        var named = policy.Exceptions.Select(e => e.Port)
            .Concat(policy.Networks.SelectMany(n => n.Exceptions).Select(e => e.Port))
            .Contains(port);
        return named ? port.ToString() : $"{port} (standing for the ports the policy does not name)";
    }
}
