using System.Collections.Immutable;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// Source NAT of one network's outbound traffic, proven over every new packet from its containers
/// that leaves by an interface that is no bridge, to any address outside the container subnets, by the
/// nat table alone (whether the filter lets it out is another fact: internal networks), on the host
/// model (a host that forwards nothing lets nothing leave). <see cref="Leaves"/> is false when no
/// packet leaves at all; <see cref="Nated"/> says whether all, none or some of those that leave are
/// NATed, with the flows that are when only some are.
/// </summary>
public sealed record OutboundNat(bool Leaves, ReachabilityVerdict? Nated, ImmutableArray<AllowedFlow> NatedFlows, string? SnatTo, ImmutableArray<Evidence> Evidence)
{
    /// <summary>
    /// The NAT's address per way out, where it differs by way out (oracle F60: an SNAT on uplink0 beside
    /// Docker's MASQUERADE on the rest); empty where one NAT address holds for every way (<see cref="SnatTo"/>).
    /// </summary>
    public ImmutableArray<WayOutNat> ByWay { get; init; } = [];

    /// <summary>Masquerade as a setting's effective value: true, false, or null when partial or unknown (the flows say which).</summary>
    public bool? Effective => Nated switch { ReachabilityVerdict.Allowed => true, ReachabilityVerdict.Denied => false, _ => null };

    public static OutboundNat Of(AuditedNetwork n, AuditInputs inputs, SymbolicRuleset nat)
    {
        var space = nat.Space;
        var subnets = inputs.ContainerSubnets;
        var query = SymbolicPasses.NewFromOutside(space, inputs, Dimension.Out).Intersect(space.Whole()
            .With(Dimension.In, space.Interfaces.Matching(new InterfacePattern(n.Bridge)))
            .With(Dimension.Src, n.ContainerAddressesAmong(inputs.Networks))
            .With(Dimension.Dst, subnets.Complement(space.MaxOf(Dimension.Dst))));
        return Judge(query, n, inputs, nat, subnets.Complement(space.MaxOf(Dimension.Dst)),
            t => t is SnatTarget ? "SNATs outbound traffic" : "masquerades outbound traffic");
    }

    /// <summary>
    /// Source NAT of the traffic that stays on the network's bridge (container to container, DFW403),
    /// proven the same way over every new packet between its containers, in and out on its bridge.
    /// Frames a bridge switches without br_netfilter never reach the nat table: nothing is NATed.
    /// </summary>
    public static OutboundNat OnOwnBridge(AuditedNetwork n, AuditInputs inputs, SymbolicRuleset nat)
    {
        if (inputs.Host.BridgedTrafficFiltered(n.Bridge, n.Family) == false) return new OutboundNat(true, ReachabilityVerdict.Denied, [], null, []);
        var space = nat.Space;
        var bridge = space.Interfaces.Matching(new InterfacePattern(n.Bridge));
        var own = n.ContainerAddressesAmong(inputs.Networks);
        var query = new ReachQuery(PacketPath.Forward) { State = ConntrackStates.New }.ToPacketSet(space).Intersect(space.Whole()
            .With(Dimension.In, bridge).With(Dimension.Out, bridge).With(Dimension.Src, own).With(Dimension.Dst, own));
        return Judge(query, n, inputs, nat, own, _ => "NATs traffic that stays on the bridge");
    }

    private static OutboundNat Judge(PacketSet query, AuditedNetwork n, AuditInputs inputs, SymbolicRuleset nat, IntervalSet whole, Func<Target, string> role)
    {
        var walked = WalkedFlows.Reach(nat, PacketPath.Forward, query);
        return FromFlows(walked, n, inputs, role) ?? FromRegions(walked.Regions, n, inputs, nat.Space, whole, role);
    }

    /// <summary>
    /// The same answer read from the walk's final flows, without building its regions: a network's
    /// outbound traffic on a host with many published ports ends in one region per port (each DNATed
    /// piece, then NATed by the network's MASQUERADE), 50,000 over 1,000 bridges. Null where the flows
    /// do not stand for their regions one by one (<see cref="WalkedFlows.Plain"/>), where a box of a
    /// container to itself would leave a region out, or where only some traffic is NATed (the flows
    /// listed then follow the regions' boxes): the regions answer then.
    /// </summary>
    private static OutboundNat? FromFlows(WalkedFlows walked, AuditedNetwork n, AuditInputs inputs, Func<Target, string> role)
    {
        if (!walked.Plain) return null;
        var (leaves, nated, plain, maybe) = (false, false, false, false);
        // The NAT rules in the order the regions list them: a region's place is its first flow's.
        var rules = new List<(ResponsibleRule Rule, Target Target)>();
        var targets = new Dictionary<ResponsibleRule, Target?>();
        foreach (var (verdict, box, way) in walked.Flows())
        {
            if (verdict is not (ReachVerdict.Accept or ReachVerdict.Maybe)) continue;
            if (ToItself(box)) return null;
            leaves = true;
            if (verdict == ReachVerdict.Maybe)
            {
                maybe = true;
                continue;
            }

            if (NatRule(way, inputs, targets) is not { } rule) plain = true;
            else
            {
                nated = true;
                if (!rules.Contains(rule)) rules.Add(rule);
            }
        }

        if (!leaves) return new OutboundNat(false, ReachabilityVerdict.Denied, [], null, []);
        // NAT rules that give different addresses (an SNAT on one interface, MASQUERADE on the rest): the
        // regions say which way out each takes (oracle F60).
        if (Addresses(rules, n).Count > 1) return null;
        ReachabilityVerdict? answer = !nated && !plain ? null
            : !plain && !maybe ? ReachabilityVerdict.Allowed
            : !nated && !maybe ? ReachabilityVerdict.Denied
            : ReachabilityVerdict.Partial;
        return answer == ReachabilityVerdict.Partial ? null : Answer(answer, [], rules, n, inputs, role);
    }

    private static OutboundNat FromRegions(ImmutableArray<ReachRegion> regions, AuditedNetwork n, AuditInputs inputs, PacketSpace space, IntervalSet whole,
        Func<Target, string> role)
    {
        // A container reaching itself (its own published port, which Docker's hairpin MASQUERADE NATs)
        // is no traffic between two containers: boxes of one address to itself are left out.
        var leaving = regions
            .Where(r => r.Verdict is ReachVerdict.Accept or ReachVerdict.Maybe)
            .Select(r => (Region: r, Boxes: r.Packets.Boxes.Where(b => !ToItself(b)).ToList()))
            .Where(r => r.Boxes.Count > 0)
            .Select(r => r.Region with { Packets = new PacketSet([.. r.Boxes]) })
            .ToList();
        if (leaving.Count == 0) return new OutboundNat(false, ReachabilityVerdict.Denied, [], null, []);
        var nated = leaving.Where(r => r.Verdict == ReachVerdict.Accept && NatRule(r, inputs) is not null).ToList();
        var plain = leaving.Where(r => r.Verdict == ReachVerdict.Accept && NatRule(r, inputs) is null).ToList();
        // Partial names the flows surely NATed: with none (the rest only may be, an undecided target
        // such as an xt MASQUERADE nft lists without options) the answer is unknown, not "some".
        var verdict = nated.Count == 0 && plain.Count < leaving.Count ? (ReachabilityVerdict?)null
            : plain.Count == 0 && nated.Count == leaving.Count ? ReachabilityVerdict.Allowed
            : nated.Count == 0 ? ReachabilityVerdict.Denied
            : ReachabilityVerdict.Partial;
        var rules = nated.Select(r => NatRule(r, inputs)!.Value).Distinct().ToList();
        // The flows name the interfaces they leave by where those differ (a hand-written -o eth0 MASQUERADE), and their ICMP types.
        ImmutableArray<AllowedFlow> flows = verdict == ReachabilityVerdict.Partial
            ? FlowMerge.Of(nated.SelectMany(r => r.Packets.Boxes).Select(b => (b, ReplyFate.Connection, false)), whole, space, n.Family,
                outs: leaving.SelectMany(r => r.Packets.Boxes).Aggregate(IntervalSet.Empty, (s, b) => s.Union(b[Dimension.Out])))
            : [];
        return Answer(verdict, flows, rules, n, inputs, role) with { ByWay = ByWayOut(nated, leaving, n, inputs, space) };
    }

    /// <summary>
    /// The NAT's address per way out, in the masquerade flows' <c>via</c> words over the interfaces anything
    /// leaves by; empty where one address (or none known) holds for all (oracle F60).
    /// </summary>
    private static ImmutableArray<WayOutNat> ByWayOut(List<ReachRegion> nated, List<ReachRegion> leaving, AuditedNetwork n, AuditInputs inputs, PacketSpace space)
    {
        var outs = leaving.SelectMany(r => r.Packets.Boxes).Aggregate(IntervalSet.Empty, (s, b) => s.Union(b[Dimension.Out]));
        var ways = new List<(string? Address, IntervalSet Out)>();
        foreach (var region in nated)
        {
            if (!WayOutNat.TryAddress(NatRule(region, inputs)!.Value.Target, n.Family, out var address)) return [];
            var @out = region.Packets.Boxes.Aggregate(IntervalSet.Empty, (s, b) => s.Union(b[Dimension.Out]));
            var at = ways.FindIndex(w => w.Address == address);
            if (at < 0) ways.Add((address, @out));
            else ways[at] = (address, ways[at].Out.Union(@out));
        }

        return ways.Count < 2 ? [] : [.. ways.Select(w => new WayOutNat(FlowText.Via(w.Out, outs, space) ?? "any interface", w.Address))];
    }

    /// <summary>The distinct addresses the rules NAT to (null: MASQUERADE's; "?" where an SNAT names none).</summary>
    private static HashSet<string?> Addresses(List<(ResponsibleRule Rule, Target Target)> rules, AuditedNetwork n) =>
        [.. rules.Select(r => WayOutNat.TryAddress(r.Target, n.Family, out var a) ? a : "?")];

    /// <summary>
    /// Traffic leaves: the verdict, the flows NATed when only some are, the SNAT address when every rule is an
    /// SNAT to that one address (two SNATs to two addresses, or an SNAT beside a MASQUERADE, name none: <see cref="ByWay"/> does), the rules as evidence.
    /// </summary>
    private static OutboundNat Answer(ReachabilityVerdict? verdict, ImmutableArray<AllowedFlow> flows, List<(ResponsibleRule Rule, Target Target)> rules,
        AuditedNetwork n, AuditInputs inputs, Func<Target, string> role)
    {
        var addresses = Addresses(rules, n);
        return new OutboundNat(true, verdict, flows,
            addresses.Count == 1 && addresses.Single() is { } one && one != "?" ? one : null,
            [.. rules.Select(r => EvidenceOf.Rule(inputs.Ruleset, r.Rule, role(r.Target)))]);
    }

    private static bool ToItself(Box b) =>
        b[Dimension.Src].Cardinality == 1 && b[Dimension.Src].Equals(b[Dimension.Dst]);

    /// <summary>The last SNAT or MASQUERADE on the region's way: the one that NATed it (nat decides once).</summary>
    internal static (ResponsibleRule Rule, Target Target)? NatRule(ReachRegion region, AuditInputs inputs) =>
        region.Rules.Reverse().Select(r => (Rule: r, Target: PortReach.SourceOf(inputs.Ruleset, r)?.Target))
            .Where(x => x.Target is SnatTarget or MasqueradeTarget).Select(x => ((ResponsibleRule, Target)?)(x.Rule, x.Target!)).FirstOrDefault();

    /// <summary>The same of a flow's way, oldest rule first; <paramref name="targets"/> remembers each rule's target (a walk meets a few rules thousands of times).</summary>
    private static (ResponsibleRule Rule, Target Target)? NatRule(List<ResponsibleRule> way, AuditInputs inputs, Dictionary<ResponsibleRule, Target?> targets)
    {
        for (var i = way.Count - 1; i >= 0; i--)
        {
            var rule = way[i];
            if (!targets.TryGetValue(rule, out var target)) targets[rule] = target = PortReach.SourceOf(inputs.Ruleset, rule)?.Target;
            if (target is SnatTarget or MasqueradeTarget) return (rule, target);
        }

        return null;
    }
}
