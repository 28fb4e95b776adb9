using System.Collections.Immutable;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// IPv6 between two containers of one bridge needs neighbour discovery first: a solicitation (ICMPv6
/// 135) to the destination's solicited-node group, an advertisement (136) back. With br_netfilter both
/// are bridged through the forward hook, and conntrack leaves them untracked (no ESTABLISHED rule
/// accepts them). A FORWARD that drops them (ufw's ip6tables rules accept only ICMPv6 types 1-4 and
/// 128-129 there) cuts every IPv6 packet between the containers, whatever the rules say of the
/// packets themselves: icc then is off, with the dropping rules as evidence.
/// </summary>
public static class NeighbourDiscoveryGate
{
    /// <summary>ICMPv6 neighbour solicitation and advertisement, the types neighbour discovery is.</summary>
    public const int Solicitation = 135, Advertisement = 136;

    // ff02::1:ff00:0/104, the solicited-node multicast groups.
    private static readonly UInt128 SolicitedNodeFirst = IpAddressValue.Parse("ff02::1:ff00:0", IpFamily.V6);
    private static readonly UInt128 SolicitedNodeLast = SolicitedNodeFirst + ((UInt128)1 << 24) - 1;

    private const string Role = "drops IPv6 neighbour discovery (ICMPv6 135/136) between containers of the bridge: no IPv6 packet between them is delivered";

    /// <summary>
    /// The fate of the solicitations from and advertisements between <paramref name="containers"/> on
    /// the bridge: Accept when every one is accepted, Drop when every one is dropped or rejected (with
    /// the deciding rules, or FORWARD's policy), null when they differ or the rules cannot tell.
    /// </summary>
    public static (ReachVerdict? Verdict, ImmutableArray<Evidence> Evidence) Judge(string bridge, IntervalSet containers, SymbolicPasses passes, Ruleset ruleset)
    {
        var space = passes.Space;
        var on = space.Interfaces.Matching(new InterfacePattern(bridge));
        var icmp = SymbolicPasses.Whole(space)
            .With(Dimension.Proto, IntervalSet.Single((UInt128)Protocol.IcmpV6))
            .With(Dimension.State, IntervalSet.Single((UInt128)(int)ConntrackStates.Untracked))
            .With(Dimension.In, on).With(Dimension.Out, on)
            .With(Dimension.Src, containers);
        var solicitations = icmp.With(Dimension.IcmpType, IntervalSet.Single(Solicitation)).With(Dimension.Dst, IntervalSet.Range(SolicitedNodeFirst, SolicitedNodeLast));
        var advertisements = icmp.With(Dimension.IcmpType, IntervalSet.Single(Advertisement)).With(Dimension.Dst, containers);
        var result = SymbolicEngine.Reach(passes.Rules, PacketPath.Forward, new PacketSet([solicitations, advertisements]));
        var verdicts = result.Regions.Select(r => r.Verdict).Distinct().ToList();
        if (verdicts is [ReachVerdict.Accept]) return (ReachVerdict.Accept, []);
        if (verdicts.Count > 0 && verdicts.All(v => v is ReachVerdict.Drop or ReachVerdict.Reject))
            return (ReachVerdict.Drop, [.. result.Regions.Select(r => Deciding(r, ruleset)).Distinct()]);
        return (null, []);
    }

    // A drop by no rule of its own is FORWARD's policy: the region's last rule is then a jump that came back.
    private static Evidence Deciding(ReachRegion region, Ruleset ruleset) =>
        EvidenceOf.Deciding(region) is { } rule && EvidenceOf.Source(ruleset, rule)?.Target is VerdictTarget { Verdict: Verdict.Drop } or RejectTarget
            ? EvidenceOf.Rule(ruleset, rule, Role)
            : new Evidence("filter", "FORWARD", 0, 0, "policy of filter/FORWARD", Role);
}
