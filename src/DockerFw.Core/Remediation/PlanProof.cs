using System.Collections.Immutable;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Policy.Judging;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Connections;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Text;

namespace DockerFw.Core.Remediation;

/// <summary>
/// A plan proves itself on the after-state with the judge <c>audit --policy</c> uses
/// (<see cref="PairJudge"/>, <see cref="PublishJudge"/>): every ordered pair of the policy's running
/// containers on bridge networks and every packet between them, then the published-port
/// restrictions. A pair or port with any differing verdict refuses the plan, naming its first: the
/// packets and the rule that decided. Deliberately unlike the audit, the proof judges the rules
/// alone (no host settings: a plan cannot change bridge-nf-call-iptables or ip_forward, which the
/// audit reports), and a dump does not say which addresses are the host's (<see cref="PolicyView.Proving"/>).
/// The after-state is judged whole: the rules the plan writes with the host's tables it does not
/// write (<see cref="ResolvedPolicy.Whole"/>: native nft tables, the other iptables back end's), as they are.
/// </summary>
internal static class PlanProof
{
    public static ImmutableArray<Diagnostic> Check(Ruleset after, ResolvedPolicy policy) => Prove(after, policy).Problems;

    /// <summary>
    /// The proof's problems, and the bridge pairs a drop would repair: every pair the rules let new
    /// connections through (certainly: a doubt is not repaired) where the policy blocks them.
    /// </summary>
    public static (ImmutableArray<Diagnostic> Problems, BridgeRepairs Repairs) Prove(Ruleset after, ResolvedPolicy policy)
    {
        var family = after.Family;
        var whole = policy.Whole(after);
        var view = PolicyView.Proving(whole, policy);
        var rules = view.Rules;
        var problems = ImmutableArray.CreateBuilder<Diagnostic>();
        var verdicts = PairJudge.Judge(view, policy).Verdicts;
        var repairs = BridgeRepairs.Of(verdicts
            .Where(v => v.Expected == Reachability.Blocked && v.Actual is Reachability.Reachable or Reachability.OneWay or Reachability.OpeningOnly && !v.Reply)
            .Where(v => v.From.Network.Bridge is not null && v.To.Network.Bridge is not null)
            .Select(v => (v.From.Network.Bridge!, v.To.Network.Bridge!))) with
        {
            // Neighbour discovery the host drops (or may) where the policy lets the pair connect.
            Neighbours = verdicts.Where(v => v.Neighbours is not null && v.Expected == Reachability.Reachable && v.From.Network.Bridge is not null)
                .Select(v => v.From.Network.Bridge!).ToImmutableSortedSet(StringComparer.Ordinal),
        };
        foreach (var first in verdicts.GroupBy(v => (v.From, v.To)).Select(g => g.First()))
            problems.Add(PolicyMessages.PlanDisproved(new SourceSpan(policy.File, 1, 1),
                $"{Describe(first.From)} -> {Describe(first.To)}{(family == IpFamily.V6 ? " over IPv6" : "")} {Refusal(first, rules)}"));

        problems.AddRange(PublishProof.Check(whole, policy));
        return (problems.ToImmutable(), repairs);
    }

    private static string Refusal(PairVerdict verdict, SymbolicRuleset rules)
    {
        var text = $"{ProofText.Packets(verdict.Packets, rules.Space)} is {Word(verdict.Actual)}, not {Word(verdict.Expected)}";
        if (verdict.Reply) text += ": its replies are not accepted";
        if (verdict.Neighbours is { } neighbours)
            text += neighbours.Verdict == ReachVerdict.Drop
                ? ": IPv6 neighbour discovery (ICMPv6 135/136) between them is dropped"
                : ": whether IPv6 neighbour discovery (ICMPv6 135/136) between them passes is uncertain";
        if (verdict.DecidedIn is not var (region, result)) return text;
        if (region.Verdict == ReachVerdict.Maybe && region.Doubts.FirstOrDefault() is { } doubt)
            return text + $" (the dump cannot decide {doubt}: {result.DoubtReasons.GetValueOrDefault(doubt)})";
        return ProofText.DecidedBy(region, rules.Source) is { } rule ? text + $" (decided by {rule})" : text;
    }

    internal static AddressMask Host(IpFamily family, UInt128 address) => AddressMask.FromPrefix(family, address, family.Bits());

    internal static string Describe(ContainerOnNetwork member) => $"'{member.Container.Name}' on '{member.Network.Name}'";

    internal static string Word(Reachability? reachability) => reachability switch
    {
        Reachability.Reachable => "reachable",
        Reachability.OneWay => "one-way",
        Reachability.OpeningOnly => "opening-only (its later packets are dropped)",
        Reachability.Blocked => "blocked",
        _ => "uncertain",
    };
}
