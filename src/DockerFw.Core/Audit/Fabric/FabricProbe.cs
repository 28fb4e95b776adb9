using System.Collections.Immutable;
using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Fabric;

/// <summary>
/// How one set of new forwarded packets fares, proven over all of them by the symbolic engine: those
/// accepted with their source kept, those accepted after a MASQUERADE or SNAT rewrote it (and the rule),
/// those dropped (and the rules or policy that did), those the rules cannot decide (and why).
/// </summary>
public sealed record FabricAnswer(
    PacketSet Kept,
    PacketSet Masqueraded,
    PacketSet Blocked,
    PacketSet Undecided,
    ImmutableArray<Evidence> Accepting,
    ImmutableArray<Evidence> Nat,
    ImmutableArray<Evidence> Blocking,
    ImmutableArray<string> Doubts)
{
    public bool AllBlocked => Kept.IsEmpty && Masqueraded.IsEmpty && Undecided.IsEmpty && !Blocked.IsEmpty;

    /// <summary>The space the answer's packets are in: for naming a part's input interfaces (<see cref="Analysis.PortClientsOf.Interfaces"/>).</summary>
    public PacketSpace? Space { get; init; }
}

/// <summary>
/// Asks the symbolic engine about new connections forwarded between two named devices (a Docker bridge
/// and a fabric's device: flannel.1, weave), over the host model's other devices.
/// </summary>
public sealed class FabricProbe(AuditInputs inputs, IEnumerable<string> devices)
{
    private readonly SymbolicRuleset _rules = inputs.HostModel.Compile(inputs.Ruleset, ReachDetail.Rules, devices.Select(d => new InterfacePattern(d)));

    /// <param name="inDevice">The device the packets arrive on; null: any but <paramref name="outDevice"/>.</param>
    public FabricAnswer Forward(string? inDevice, string outDevice, IntervalSet sources, IntervalSet destinations)
    {
        var space = _rules.Space;
        var outs = space.Interfaces.Matching(new InterfacePattern(outDevice));
        var ins = inDevice is null
            ? outs.Union(IntervalSet.Single((UInt128)space.Interfaces.NoInterface)).Complement(space.MaxOf(Dimension.In))
            : space.Interfaces.Matching(new InterfacePattern(inDevice));
        return Forward(ins, outs, sources, destinations);
    }

    /// <summary>
    /// New connections from another host into <paramref name="outDevice"/>: in on every interface that
    /// is no Docker bridge, not loopback and not the device itself (<see cref="OutsideInterfaces"/>,
    /// oracle F41), so a rule on the host's uplink (<c>-i eth0</c>) is judged per interface.
    /// </summary>
    public FabricAnswer FromOutside(string outDevice, IntervalSet sources, IntervalSet destinations)
    {
        var outs = _rules.Space.Interfaces.Matching(new InterfacePattern(outDevice));
        return Forward(OutsideInterfaces.Of(_rules.Space, inputs).Subtract(outs), outs, sources, destinations);
    }

    private FabricAnswer Forward(IntervalSet ins, IntervalSet outs, IntervalSet sources, IntervalSet destinations)
    {
        var space = _rules.Space;
        var box = space.Whole().With(Dimension.In, ins).With(Dimension.Out, outs)
            .With(Dimension.Src, sources).With(Dimension.Dst, destinations).With(Dimension.State, RuleCompiler.States(ConntrackStates.New))
            // A packet arrives from a veth or a tunnel unmarked: only the host's own rules mark it (kube-proxy's
            // 0x4000, which flannel's FLANNEL-POSTRTG returns early for, is set in the nat table, not by the sender).
            .WithMark(BitCubeSet.Single(0));
        // Connections between the fabric's containers: TCP's opening SYN (Openings).
        var result = SymbolicEngine.Reach(_rules, PacketPath.Forward, Openings.Of(new ReachQuery(PacketPath.Forward) { State = ConntrackStates.New }.ToPacketSet(space).Intersect(box)));

        PacketSet Union(IEnumerable<ReachRegion> regions) => regions.Aggregate(PacketSet.Empty, (s, r) => s.Union(r.Packets));
        var accepted = result.Regions.Where(r => r.Verdict == ReachVerdict.Accept).ToList();
        var nated = accepted.Where(r => NatRule(r) is not null).ToList();
        var blocked = result.Regions.Where(r => r.Verdict is ReachVerdict.Drop or ReachVerdict.Reject).ToList();
        var maybe = result.Regions.Where(r => r.Verdict == ReachVerdict.Maybe).ToList();
        return new FabricAnswer(
            Union(accepted.Except(nated)), Union(nated), Union(blocked), Union(maybe),
            [.. accepted.Select(r => Decided(r, "accepts")).Distinct()],
            [.. nated.Select(r => EvidenceOf.Rule(inputs.Ruleset, NatRule(r)!, "rewrites the source")).Distinct()],
            [.. blocked.Select(r => Decided(r, "blocks")).Distinct()],
            [.. maybe.SelectMany(r => r.Doubts).Distinct()
                .Select(d => $"{EvidenceOf.Rule(inputs.Ruleset, d, "").Text}: {result.DoubtReasons.GetValueOrDefault(d) ?? "undecidable"}")])
        { Space = space };
    }

    /// <summary>The SNAT or MASQUERADE on the region's way (nat decides once: the last one met).</summary>
    private ResponsibleRule? NatRule(ReachRegion region) =>
        region.Rules.LastOrDefault(r => EvidenceOf.Source(inputs.Ruleset, r)?.Target is MasqueradeTarget or SnatTarget);

    // The last filter rule met whose verdict is the region's, else FORWARD's policy.
    private Evidence Decided(ReachRegion region, string role)
    {
        var accept = region.Verdict == ReachVerdict.Accept;
        var rule = region.Rules.LastOrDefault(r => r.Table != "nat" && EvidenceOf.Source(inputs.Ruleset, r)?.Target switch
        {
            VerdictTarget { Verdict: Verdict.Accept } => accept,
            VerdictTarget { Verdict: Verdict.Drop } or RejectTarget => !accept,
            _ => false,
        });
        return rule is null ? new Evidence("filter", "FORWARD", 0, 0, "policy of filter/FORWARD", role) : EvidenceOf.Rule(inputs.Ruleset, rule, role);
    }
}
