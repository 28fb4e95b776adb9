using System.Collections.Immutable;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
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
    ImmutableArray<Evidence> Evidence);

/// <summary>The differences, and whether any new connection between the policy's containers passes dockerfw's jump.</summary>
public sealed record PolicyJudgement(ImmutableArray<PolicyDifference> Differences, bool AnyPassesJump);

/// <summary>
/// Judges a host against a policy the way a plan is proved (<see cref="PlanProof"/>): for every
/// ordered pair of running containers on bridge networks, the symbolic engine partitions every new
/// connection between them (all protocols, ports and ICMP types) by fate, and each piece must meet
/// the policy's (<see cref="PairExpectation"/>); the replies of what should connect must come back.
/// Unlike the proof, which stops at the first disagreement, every difference is kept, grouped per
/// pair by fate and deciding rule.
/// </summary>
public static class PolicyConformance
{
    public static PolicyJudgement Judge(AuditAnalysis analysis, ResolvedPolicy policy)
    {
        var inputs = analysis.Inputs;
        var rules = analysis.Passes.Rules;
        var jump = JumpToPolicy(inputs.Ruleset);
        var members = policy.Members.Where(m => m.AddressOf(inputs.Family) is not null).ToList();
        var differences = ImmutableArray.CreateBuilder<PolicyDifference>();
        var passesJump = false;
        foreach (var from in members)
        {
            foreach (var to in members.Where(m => m != from))
            {
                var (pieces, passes) = Pair(rules, inputs, from, to, PairExpectation.Of(policy, from, to), jump);
                passesJump |= passes;
                differences.AddRange(pieces
                    .GroupBy(d => (d.Actual, d.Expected, Decided: string.Join(' ', d.Evidence.Select(e => $"{e.Table}/{e.Chain}#{e.Rule}"))))
                    .Select(g => new PolicyDifference(from, to,
                        ProofText.Packets(g.Select(d => d.Packets).Aggregate(PacketSet.Empty, (a, b) => a.Union(b)), rules.Space),
                        g.Key.Actual, g.Key.Expected, g.First().Evidence)));
            }
        }

        return new PolicyJudgement(differences.ToImmutable(), passesJump);
    }

    /// <summary>The rule of DOCKER-USER that hands traffic to dockerfw's chain, if there is one.</summary>
    public static Rule? JumpToPolicy(Ruleset ruleset) =>
        ruleset["filter"]?[PolicyPlanner.DockerUser]?.Rules.FirstOrDefault(r => r.Target is JumpTarget { Chain: PolicyPlanner.Chain });

    private sealed record Piece(PacketSet Packets, Reachability? Actual, Reachability Expected, ImmutableArray<Evidence> Evidence);

    private static (List<Piece> Pieces, bool PassesJump) Pair(
        SymbolicRuleset rules, AuditInputs inputs, ContainerOnNetwork from, ContainerOnNetwork to, PairExpectation expected, Rule? jump)
    {
        var family = inputs.Family;
        var allowed = PlanProof.Allowed(rules.Space, expected);
        var restExpected = expected.Rest == Reachability.Reachable ? Reachability.Reachable : Reachability.Blocked;
        var requests = SymbolicEngine.Reach(rules, Query(from, to, ConntrackStates.New, family));
        var pieces = new List<Piece>();
        var accepted = PacketSet.Empty;
        foreach (var region in requests.Regions)
        {
            var actual = Of(region.Verdict);
            if (actual == Reachability.Reachable) accepted = accepted.Union(region.Packets);
            var inAllowed = region.Packets.Intersect(allowed);
            if (!inAllowed.IsEmpty && actual != Reachability.Reachable) pieces.Add(new(inAllowed, actual, Reachability.Reachable, Evidence(inputs, region, requests)));
            var rest = region.Packets.Subtract(allowed);
            if (!rest.IsEmpty && actual != restExpected) pieces.Add(new(rest, actual, restExpected, Evidence(inputs, region, requests)));
        }

        // Replies of the connections that should work and whose first packet does: the other way, ESTABLISHED.
        var connecting = (expected.Rest == Reachability.Reachable ? rules.Space.Universe(PacketPath.Forward) : allowed).Intersect(accepted);
        var replies = SymbolicEngine.Reach(rules, Query(to, from, ConntrackStates.Established, family));
        foreach (var region in replies.Regions.Where(r => r.Verdict != ReachVerdict.Accept))
        {
            var dropped = region.Packets.Intersect(PlanProof.Mirrored(connecting));
            if (!dropped.IsEmpty)
                pieces.Add(new(PlanProof.Mirrored(dropped), Reachability.OneWay, Reachability.Reachable, Evidence(inputs, region, replies, " the reply")));
        }

        var passes = jump is not null && requests.Regions.Any(r => r.Rules.Any(x =>
            x is { Table: "filter", Chain: PolicyPlanner.DockerUser } && x.Number == jump.Number));
        return (pieces, passes);
    }

    private static ReachQuery Query(ContainerOnNetwork from, ContainerOnNetwork to, ConntrackStates state, IpFamily family) =>
        new(PacketPath.Forward)
        {
            In = new InterfacePattern(from.Network.Bridge!),
            Out = new InterfacePattern(to.Network.Bridge!),
            Source = PlanProof.Host(family, from.AddressOf(family)!.Value),
            Destination = PlanProof.Host(family, to.AddressOf(family)!.Value),
            State = state,
        };

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

    private static Reachability? Of(ReachVerdict verdict) => verdict switch
    {
        ReachVerdict.Accept => Reachability.Reachable,
        ReachVerdict.Drop or ReachVerdict.Reject => Reachability.Blocked,
        _ => null,
    };
}
