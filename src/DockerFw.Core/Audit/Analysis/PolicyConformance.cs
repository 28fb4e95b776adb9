using System.Collections.Immutable;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Policy.Judging;
using DockerFw.Core.Remediation;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Connections;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// Packets from one container to another whose fate differs from the policy's: what the rules do
/// (null: it depends on rules the dump cannot decide), what the policy says, and the rules that decided.
/// </summary>
public sealed record PolicyDifference(
    ContainerOnNetwork From,
    ContainerOnNetwork To,
    string Packets,
    Reachability? Actual,
    Reachability Expected,
    ImmutableArray<Evidence> Evidence)
{
    /// <summary>Why the rules do not decide at all, when they do not (frames switched inside a bridge iptables never sees).</summary>
    public string? Why { get; init; }
}

/// <summary>The differences, and whether any new connection between the policy's containers passes dockerfw's jump.</summary>
public sealed record PolicyJudgement(ImmutableArray<PolicyDifference> Differences, bool AnyPassesJump);

/// <summary>
/// <c>audit --policy</c>'s reading of the one pair judge (<see cref="PairJudge"/>), which the plan's
/// proof reads too: the audited host's ruleset in its host model (addresses, ip_forward) and its
/// bridge-nf-call-iptables setting, every verdict kept and grouped per pair by fate and deciding rule.
/// </summary>
public static class PolicyConformance
{
    public static PolicyJudgement Judge(AuditAnalysis analysis, ResolvedPolicy policy)
    {
        var inputs = analysis.Inputs;
        var space = analysis.Passes.Rules.Space;
        var view = new PolicyView(analysis.Passes.Rules)
        {
            SwitchesUnfiltered = bridge => inputs.Host.BridgedTrafficFiltered(bridge, inputs.Family) == false,
            HasTracker = inputs.Host.HasTracker,
            HostOn = bridge => ContainerLinkLocal.HostOn(bridge, inputs.HostModel),
        };
        var judged = PairJudge.Judge(view, policy);
        var differences = judged.Verdicts
            .Select(v => (Verdict: v, Evidence: Evidence(inputs, v)))
            .GroupBy(d => (d.Verdict.From, d.Verdict.To, d.Verdict.Actual, d.Verdict.Expected, d.Verdict.Why,
                Decided: string.Join(' ', d.Evidence.Select(e => $"{e.Table}/{e.Chain}#{e.Rule}"))))
            .Select(g => new PolicyDifference(g.Key.From, g.Key.To,
                ProofText.Packets(g.Select(d => d.Verdict.Packets).Aggregate(PacketSet.Empty, (a, b) => a.Union(b)), space),
                g.Key.Actual, g.Key.Expected, g.First().Evidence) { Why = g.Key.Why });
        return new PolicyJudgement([.. differences], judged.AnyPassesJump);
    }

    /// <summary>The rule of DOCKER-USER that hands traffic to dockerfw's chain, if there is one.</summary>
    public static Rule? JumpToPolicy(Ruleset ruleset) => PairJudge.JumpToPolicy(ruleset);

    // Neighbour discovery dropped names its rules (or FORWARD's policy) as the icc fact does.
    private static ImmutableArray<Evidence> Evidence(AuditInputs inputs, PairVerdict verdict) =>
        verdict.Neighbours is { Verdict: ReachVerdict.Drop } nd ? [.. nd.Deciding.Select(r => NeighbourDiscoveryGate.Deciding(r, inputs.Ruleset)).Distinct()]
        : verdict.DecidedIn is { } d ? Evidence(inputs, d.Region, d.Result, verdict.Reply ? " the reply" : "") : [];

    /// <summary>The rule that decided a region, or the undecidable rules its fate hangs on.</summary>
    internal static ImmutableArray<Evidence> Evidence(AuditInputs inputs, ReachRegion region, ReachResult result, string what = "")
    {
        if (region.Verdict == ReachVerdict.Maybe)
            return [.. region.Doubts.Select(d => EvidenceOf.Rule(inputs.Ruleset, d, "cannot be decided: " + result.DoubtReasons.GetValueOrDefault(d)))];
        var role = region.Verdict switch { ReachVerdict.Accept => "accepts", ReachVerdict.Drop => "drops", _ => "rejects" } + what;
        // The last rule with a verdict on the way; none means a built-in chain's policy decided.
        var decided = region.Rules.Reverse().FirstOrDefault(r =>
            EvidenceOf.Source(inputs.Ruleset, r)?.Target is VerdictTarget { Verdict: Verdict.Accept or Verdict.Drop } or RejectTarget);
        return decided is null ? [] : [EvidenceOf.Rule(inputs.Ruleset, decided, role)];
    }
}
