using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Policy.Judging;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Text;

namespace DockerFw.Core.Remediation;

/// <summary>
/// Proves a plan's published-port restrictions on the after-state with the judge
/// <c>audit --policy</c> uses (<see cref="PublishJudge"/>): a member with any differing verdict
/// refuses the plan, naming its first. A dump does not say which addresses are the host's, so the
/// proof asks about every address the host may have (all but the policy's containers') and makes
/// them local (with loopback). Connections come in on every interface that is no Docker bridge
/// (<see cref="PublishJudge.Outside"/>, oracle F41), so a rule naming the uplink, before Docker's
/// jump to <c>DOCKER-USER</c> or in it, is proved against; the refusal names the interfaces when they are not all.
/// With the host's routes and kernel settings (<see cref="ResolvedPolicy.Routes"/>, <see cref="ResolvedPolicy.Settings"/>)
/// it judges as <c>audit --policy</c> does: the same reverse-path answers, the same clients left out.
/// </summary>
internal static class PublishProof
{
    public static IEnumerable<Diagnostic> Check(Ruleset after, ResolvedPolicy policy)
    {
        var family = after.Family;
        var loopback = IntervalSet.Loopback(family);
        var possible = PublishJudge.PossibleHosts(policy, family);
        // The host's routes and rp_filter, as audit --policy asks them: the rpfilter match's way back,
        // and the clients a reverse-path filter drops on arrival (a proof without them was refused, or
        // accepted, where the audit straight after judged otherwise).
        var routes = policy.Routes is { Complete: true } read ? read : null;
        var verdicts = PublishJudge.Judge(policy, family, possible, hosts => SymbolicRuleset.Compile(after,
            policy.Bridges.Select(b => new InterfacePattern(b.Bridge!)), hosts.Union(loopback), routes: routes, ipSets: policy.IpSets),
            space => PublishJudge.Outside(space, policy), routes, policy.Settings);
        // Each member's first difference, with every other region of the same fate by the same rule:
        // the engine cuts regions at rules that decide nothing (a masquerade naming a subnet), and
        // one region's sources would name a piece of the connections as if it were all of them.
        return verdicts.GroupBy(v => (v.Publish, v.Member)).Select(g => g.Where(v => SameFate(v, g.First())).ToList())
            .Select(same => PolicyMessages.PlanDisproved(new SourceSpan(policy.File, 1, 1),
                Refusal(same[0], same.Aggregate(PacketSet.Empty, (s, v) => s.Union(v.Packets)), possible, PublishJudge.Outside(same[0].Rules.Space, policy))));
    }

    private static bool SameFate(PublishVerdict one, PublishVerdict other) =>
        one.Reaches == other.Reaches && one.Allowed == other.Allowed && one.Region.Verdict == other.Region.Verdict
        && (one.Region.Verdict == ReachVerdict.Maybe
            ? one.Region.Doubts.FirstOrDefault() == other.Region.Doubts.FirstOrDefault()
            : ProofText.DecidedBy(one.Region, one.Rules.Source) == ProofText.DecidedBy(other.Region, other.Rules.Source));

    /// <summary>Whether the region's way went through a DNAT to the container's address.</summary>
    internal static bool DnatsTo(ReachRegion region, Ruleset ruleset, UInt128 container) => region.Rules.Any(r =>
        ProofText.RuleOf(ruleset, r)?.Target is DnatTarget { To.First: { } to } && to == container);

    /// <param name="packets">The verdict's connections with those of the same fate by the same rule.</param>
    private static string Refusal(PublishVerdict verdict, PacketSet packets, IntervalSet possibleHosts, IntervalSet outside)
    {
        var (rules, region, result, publish, member) = (verdict.Rules, verdict.Region, verdict.Result, verdict.Publish, verdict.Member);
        var family = rules.Space.Family;
        // Every side of the differing connections, as the audit names them.
        IntervalSet Side(Dimension d) => packets.Boxes.Aggregate(IntervalSet.Empty, (s, b) => s.Union(b[d]));
        var binding = publish.Binding;
        var (actual, expected) = verdict.Allowed ? ("does not reach", "does") : (verdict.Reaches == true ? "reaches" : "may reach", "does not");
        var text = $"{binding.Protocol}/{binding.HostPort} on {HostAddressText.Of(Side(Dimension.Dst), possibleHosts, family)} from {Addresses(Side(Dimension.Src), family)}"
            + $"{Via(Side(Dimension.In), outside, rules.Space)} "
            + $"{actual} '{member.Container.Name}' ({IpAddressValue.Format(member.AddressOf(family)!.Value, family)}:{binding.ContainerPort}), "
            + $"but the policy says it {expected}";
        if (region.Verdict == ReachVerdict.Maybe && region.Doubts.FirstOrDefault() is { } doubt)
            return text + $" (the dump cannot decide {doubt}: {result.DoubtReasons.GetValueOrDefault(doubt)})";
        return ProofText.DecidedBy(region, rules.Source) is { } rule ? text + $" (decided by {rule})" : text;
    }

    /// <summary>
    /// <c> via eth0</c> (<see cref="PortClientsOf.Interfaces"/>) when the connections come in on some
    /// of the interfaces from outside only (oracle F41), else nothing: every interface's are alike.
    /// </summary>
    internal static string Via(IntervalSet some, IntervalSet outside, PacketSpace space) =>
        outside.IsSubsetOf(some) ? "" : $" via {PortClientsOf.Interfaces(some.Intersect(outside), outside, space)}";

    /// <summary>An address set as its first ranges, <c>0.0.0.0-192.0.1.255</c>.</summary>
    internal static string Addresses(IntervalSet set, IpFamily family)
    {
        string Range((UInt128 First, UInt128 Last) r) => r.First == r.Last
            ? IpAddressValue.Format(r.First, family)
            : $"{IpAddressValue.Format(r.First, family)}-{IpAddressValue.Format(r.Last, family)}";
        var ranges = set.Ranges.ToList();
        return ranges.Count <= 2 ? string.Join(", ", ranges.Select(Range)) : $"{Range(ranges[0])}, {Range(ranges[1])} and {ranges.Count - 2} more ranges";
    }

    /// <summary>The host address the port is bound to, when Docker binds it to one.</summary>
    internal static UInt128? Bound(PublishPolicy publish, IpFamily family) =>
        publish.Binding.HostIp is { } ip && IpAddressValue.TryParse(ip, family, out var address) && address != 0 ? address : null;
}
