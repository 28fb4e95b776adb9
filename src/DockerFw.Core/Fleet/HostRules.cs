using System.Collections.Immutable;
using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Core.Fleet;

/// <summary>
/// One host's IPv4 rules compiled once for every leg fleet judges on it: every device of the host in
/// the interface alphabet, its addresses for <c>addrtype</c>, its forwarding setting. Each leg is a
/// symbolic walk over every packet of the leg, so its answer holds for all of them.
/// </summary>
public sealed class HostRules
{
    private readonly SymbolicRuleset _rules;

    public HostRules(FleetHost host)
    {
        Name = host.Name;
        var ruleset = host.Host.RulesetOrEmpty(IpFamily.V4);
        var bridges = host.Host.Docker.Networks.Select(n => n.Bridge).OfType<string>().ToList();
        var devices = host.Links.Select(l => l.Name).Concat(bridges).Distinct().Select(n => new InterfacePattern(n));
        var rules = SymbolicRuleset.Compile(ruleset, devices, new EvaluationContext { Addresses = host.Host.Addresses, IpSets = host.Host.IpSets.Members });
        _rules = host.Host.Settings.Forwarding(IpFamily.V4) == false ? rules.WithoutForwarding(bridges) : rules;
        _tracker = host.Host.Settings.HasTracker;
    }

    // Whether the kernel has conntrack's own tracker of a protocol (DCCP's, SCTP's): null when not known.
    private readonly Func<int, bool?> _tracker;

    public string Name { get; }

    /// <summary>
    /// The leg's packets by fate, of those <see cref="LegPackets"/> says the leg asks about (for NEW, the
    /// opening ones). <paramref name="seenAs"/>: the source set the leg's answer speaks
    /// for when the host sees the packets with a NATed source (a receiver after the sender's MASQUERADE).
    /// </summary>
    /// <param name="unreplied">
    /// The requests' later packets of connections whose replies the host's conntrack never sees
    /// (<see cref="ReplySight"/>, oracle F46): asked as <see cref="LaterPackets.Unconfirmed(Box, ConntrackStates, IntervalSet)"/>
    /// gives them for the leg's openings (TCP's INVALID, the rest NEW with the connection's virtual
    /// states of <paramref name="state"/>), not in <paramref name="state"/>.
    /// </param>
    public Leg Judge(LegStage stage, PacketPath path, string? inDevice, string? outDevice, IntervalSet sources, IntervalSet destinations,
        ConntrackStates state, int? protocol = null, int? port = null, IntervalSet? seenAs = null, bool unreplied = false)
    {
        var space = _rules.Space;
        // A NATed connection's packets after its first carry conntrack's virtual states (oracle F45),
        // which no question's states hold: asked in the base state, then given them.
        var nat = state & (ConntrackStates.Snat | ConntrackStates.Dnat);
        state = unreplied ? ConntrackStates.New : state & ~nat;
        var box = space.Whole()
            .With(Dimension.Src, sources).With(Dimension.Dst, destinations)
            .With(Dimension.State, RuleCompiler.States(state));
        if (inDevice is not null) box = box.With(Dimension.In, space.Interfaces.Matching(new InterfacePattern(inDevice)));
        if (outDevice is not null) box = box.With(Dimension.Out, space.Interfaces.Matching(new InterfacePattern(outDevice)));
        if (protocol is { } p) box = box.With(Dimension.Proto, IntervalSet.Single((UInt128)p));
        if (port is { } d) box = box.With(Dimension.Dport, IntervalSet.Single((UInt128)d));
        // What the leg means (a connection): its opening packets, not every NEW one.
        // In the leg's state: NEW ICMP is its queries alone (IcmpStates).
        var query = LegPackets.Of(new ReachQuery(path) { State = state }.ToPacketSet(space).Intersect(box), state);
        if (unreplied) return Unreplied(stage, path, query, nat, seenAs);
        if (nat != ConntrackStates.None) query = new PacketSet([.. query.Boxes.Select(b => Audit.Analysis.ConnectionNat.Established(b, nat))]);
        return Walked(stage, path, query, seenAs);
    }

    /// <summary>
    /// The later packets of <paramref name="openings"/> when the connection saw no reply here: by the
    /// kernel's trackers (<see cref="LaterPackets.InvalidWhenUnreplied"/>); where the bundle does not say
    /// whether it tracks DCCP and SCTP itself, either fate (<see cref="EitherLeg"/>).
    /// </summary>
    private Leg Unreplied(LegStage stage, PacketPath path, PacketSet openings, ConntrackStates nat, IntervalSet? seenAs)
    {
        Leg With(IntervalSet invalid) => Walked(stage, path, new PacketSet([.. openings.Boxes.SelectMany(b => LaterPackets.Unconfirmed(b, nat, invalid))]), seenAs);
        var (sure, maybe) = LaterPackets.InvalidWhenUnreplied(_tracker);
        var surely = With(sure);
        return openings.Boxes.All(b => b[Dimension.Proto].Intersect(maybe).IsEmpty) ? surely
            : EitherLeg.Of(With(sure.Union(maybe)), "if it tracks them itself", surely, "if it tracks them generically",
                $"whether {Name}'s kernel has conntrack's own DCCP and SCTP trackers is not known (its bundle holds no conntrack sysctls)");
    }

    private Leg Walked(LegStage stage, PacketPath path, PacketSet query, IntervalSet? seenAs)
    {
        var result = SymbolicEngine.Reach(_rules, path, query);
        var pieces = result.Regions.Select(r =>
        {
            var packets = Neutral.Of(r.Packets);
            if (seenAs is not null) packets = Neutral.WithSources(packets, seenAs);
            var doubt = r.Verdict == ReachVerdict.Maybe && r.Doubts.FirstOrDefault() is { } rule
                ? $"the rules cannot decide {rule}: {result.DoubtReasons.GetValueOrDefault(rule)}" : null;
            var (decided, at) = DecidedBy(r, path);
            return new LegPiece(r.Verdict, packets, decided, NatOf(r), doubt) { At = at };
        });
        return new Leg(Name, stage, [.. pieces.Where(p => !p.Packets.IsEmpty)]);
    }

    /// <summary>The last rule with a verdict on the region's way, else the policy of the path's filter chain.</summary>
    private (string? Text, ResponsibleRule? At) DecidedBy(ReachRegion region, PacketPath path)
    {
        foreach (var responsible in region.Rules.Reverse())
        {
            if (responsible.Table == "nat") continue;
            if (RuleOf(responsible) is { Target: VerdictTarget { Verdict: Verdict.Accept or Verdict.Drop } or RejectTarget } rule)
                return ($"{responsible}: {IptablesSaveWriter.FormatRule(rule)}", responsible);
        }

        var chain = path switch { PacketPath.Forward => "FORWARD", PacketPath.Input => "INPUT", _ => "OUTPUT" };
        var policy = _rules.Source["filter"]?[chain]?.Policy;
        return ((policy, region.Verdict) is (Verdict.Accept, ReachVerdict.Accept) or (Verdict.Drop, ReachVerdict.Drop)
            ? $"the policy {policy.ToString()!.ToUpperInvariant()} of filter/{chain}"
            : null, null);
    }

    /// <summary>The SNAT or MASQUERADE that rewrote the region's source (nat decides once: the last on the way).</summary>
    private string? NatOf(ReachRegion region) => region.Rules.Reverse()
        .Select(r => (Ref: r, Rule: RuleOf(r)))
        .Where(x => x.Rule?.Target is SnatTarget or MasqueradeTarget)
        .Select(x => $"{x.Ref}: {IptablesSaveWriter.FormatRule(x.Rule!)}")
        .FirstOrDefault();

    private Rule? RuleOf(ResponsibleRule responsible) =>
        _rules.Source.RuleAt(responsible.Table, responsible.Chain, responsible.Number);

    public static ImmutableArray<Leg> None => [];
}
