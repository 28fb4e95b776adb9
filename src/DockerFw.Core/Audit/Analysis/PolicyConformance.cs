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
    ImmutableArray<Evidence> Evidence)
{
    /// <summary>Why the rules do not decide at all, when they do not (frames switched inside a bridge iptables never sees).</summary>
    public string? Why { get; init; }
}

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
        var space = rules.Space;
        var family = inputs.Family;
        var jump = JumpToPolicy(inputs.Ruleset);
        var members = policy.Members.Where(m => m.AddressOf(family) is not null).ToList();
        var containers = members.Aggregate(IntervalSet.Empty, (s, m) => s.Union(IntervalSet.Single(m.AddressOf(family)!.Value)));
        var bridges = ContainerWalks.BridgesOf(space, members);
        var differences = ImmutableArray.CreateBuilder<PolicyDifference>();
        var passesJump = false;
        foreach (var from in members)
        {
            var walks = ContainerWalks.From(rules, from, family, containers, bridges);
            passesJump |= jump is not null && walks.Requests.Regions.Any(r => r.Rules.Any(x =>
                x is { Table: "filter", Chain: PolicyPlanner.DockerUser } && x.Number == jump.Number));

            foreach (var to in members.Where(m => m != from))
            {
                if (to.Network.Bridge == from.Network.Bridge && inputs.Host.BridgedTrafficFiltered(from.Network.Bridge!, family) == false)
                {
                    if (Unfiltered(space, from, to, PairExpectation.Of(policy, from, to)) is { } open) differences.Add(open);
                    continue;
                }

                var pair = ContainerWalks.PairWith(space, to, family);
                // IPv6 neighbour discovery inside a bridge finds a link, it opens no connection:
                // not what a policy governs (the plan accepts it before its drops), as in the proof.
                var ignored = family == IpFamily.V6 && from.Network.Id == to.Network.Id ? PlanProof.NeighbourDiscovery(space) : PacketSet.Empty;
                var pieces = Pair(inputs, space, PairExpectation.Of(policy, from, to), (walks.Requests, pair.Requests), (walks.Replies, pair.Replies), ignored);
                differences.AddRange(pieces
                    .GroupBy(d => (d.Actual, d.Expected, Decided: string.Join(' ', d.Evidence.Select(e => $"{e.Table}/{e.Chain}#{e.Rule}"))))
                    .Select(g => new PolicyDifference(from, to,
                        ProofText.Packets(g.Select(d => d.Packets).Aggregate(PacketSet.Empty, (a, b) => a.Union(b)), space),
                        g.Key.Actual, g.Key.Expected, g.First().Evidence)));
            }
        }

        return new PolicyJudgement(differences.ToImmutable(), passesJump);
    }

    /// <summary>
    /// With bridge-nf-call-iptables 0 the bridge switches frames between its ports without iptables:
    /// whatever the rules say, everything passes, which is a difference wherever the policy blocks.
    /// </summary>
    private static PolicyDifference? Unfiltered(PacketSpace space, ContainerOnNetwork from, ContainerOnNetwork to, PairExpectation expected)
    {
        if (expected.Rest == Reachability.Reachable) return null;
        var forbidden = space.Universe(PacketPath.Forward).Subtract(PlanProof.Allowed(space, expected));
        return forbidden.IsEmpty ? null : new PolicyDifference(from, to, ProofText.Packets(forbidden, space), Reachability.Reachable, Reachability.Blocked, [])
        {
            Why = "bridge-nf-call-iptables is 0, so frames switched inside the bridge never reach iptables",
        };
    }

    /// <summary>The rule of DOCKER-USER that hands traffic to dockerfw's chain, if there is one.</summary>
    public static Rule? JumpToPolicy(Ruleset ruleset) =>
        ruleset["filter"]?[PolicyPlanner.DockerUser]?.Rules.FirstOrDefault(r => r.Target is JumpTarget { Chain: PolicyPlanner.Chain });

    private sealed record Piece(PacketSet Packets, Reachability? Actual, Reachability Expected, ImmutableArray<Evidence> Evidence);

    /// <param name="requests">NEW packets from one container, and the box of those to the other.</param>
    /// <param name="replies">ESTABLISHED packets to it, and the box of those from the other.</param>
    private static List<Piece> Pair(AuditInputs inputs, PacketSpace space, PairExpectation expected,
        (ReachResult Result, Box Pair) requests, (ReachResult Result, Box Pair) replies, PacketSet ignored)
    {
        var allowed = PlanProof.Allowed(space, expected);
        var restExpected = expected.Rest == Reachability.Reachable ? Reachability.Reachable : Reachability.Blocked;
        var pieces = new List<Piece>();
        var accepted = PacketSet.Empty;
        foreach (var region in requests.Result.Regions)
        {
            var packets = region.Packets.Intersect(requests.Pair).Subtract(ignored);
            if (packets.IsEmpty) continue;
            var actual = Of(region.Verdict);
            if (actual == Reachability.Reachable) accepted = accepted.Union(packets);
            var inAllowed = packets.Intersect(allowed);
            if (!inAllowed.IsEmpty && actual != Reachability.Reachable) pieces.Add(new(inAllowed, actual, Reachability.Reachable, Evidence(inputs, region, requests.Result)));
            var rest = packets.Subtract(allowed);
            if (!rest.IsEmpty && actual != restExpected) pieces.Add(new(rest, actual, restExpected, Evidence(inputs, region, requests.Result)));
        }

        // Replies of the connections that should work and whose first packet does: the same ports the other way.
        var should = expected.Rest == Reachability.Reachable ? space.Universe(PacketPath.Forward) : allowed;
        var connecting = PlanProof.Mirrored(Ports(space, accepted.Intersect(should)));
        foreach (var region in replies.Result.Regions.Where(r => r.Verdict != ReachVerdict.Accept))
        {
            var dropped = region.Packets.Intersect(replies.Pair).Intersect(connecting);
            if (!dropped.IsEmpty)
                pieces.Add(new(PlanProof.Mirrored(dropped), Reachability.OneWay, Reachability.Reachable, Evidence(inputs, region, replies.Result, " the reply")));
        }

        return pieces;
    }

    /// <summary>Packets reduced to their protocol and ports, every address and interface: what a reply is matched on.</summary>
    private static PacketSet Ports(PacketSpace space, PacketSet packets) => new([.. packets.Boxes.Select(b => Whole(space)
        .With(Dimension.Proto, b[Dimension.Proto]).With(Dimension.Sport, b[Dimension.Sport]).With(Dimension.Dport, b[Dimension.Dport]))]);

    private static Box Whole(PacketSpace space) => new([.. Dimensions.All.Select(space.Full)], BitCubeSet.All);

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
