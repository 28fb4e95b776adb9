using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// Symbolic evaluation: the exact partition of a set of packets into what a ruleset accepts, drops,
/// rejects, and cannot decide from the dump alone. docs/symbolic.md describes the algorithm.
/// </summary>
public static class SymbolicEngine
{
    /// <param name="told">
    /// What the question knows of its packets' connection (their direction, their original tuple:
    /// <see cref="ToldConnection"/>); null for packets of unknown origin, whose <c>--ctdir</c> and
    /// <c>--ctorig*</c> stay in doubt where they are not NEW.
    /// </param>
    public static ReachResult Reach(SymbolicRuleset rules, PacketPath path, PacketSet query, ToldConnection? told = null)
    {
        var walk = new SymbolicWalk(rules);
        walk.Run(path, query.Boxes.Select(b => new Flow(b, FlowView.Identity, null, null) { Told = told }));
        return new ReachResult(rules.Space, path, query, RegionBuilder.Build(walk.Finals), rules.Doubts);
    }

    /// <summary>
    /// Forwarded later packets of connections as routing leaves them, destination NAT already applied
    /// (their state says so): FORWARD and POSTROUTING only. Not for NEW packets given DNATed: the walk
    /// holds a packet as it arrived, and conntrack's original tuple of a connection's first packet is
    /// that (<c>--ctorigdstport</c> reads the host port, not the container's), which a packet given after
    /// its DNAT no longer carries: <see cref="ReachAfterDnat"/> takes them as they arrived.
    /// </summary>
    /// <param name="told">
    /// What the question knows of its packets' connection (<see cref="ToldConnection"/>): their original
    /// tuple's destination is not what a DNATed packet carries, so it says where it is known.
    /// </param>
    public static ReachResult ReachAfterRouting(SymbolicRuleset rules, PacketSet query, ToldConnection? told = null)
    {
        if (query.Boxes.Any(b => b[Dimension.State].Overlaps(NewDnated)))
            throw new ArgumentException("NEW packets given after their DNAT have lost their original tuple: walk them as they arrived (ReachAfterDnat)", nameof(query));
        var walk = new SymbolicWalk(rules);
        walk.Run(PacketPath.Forward, query.Boxes.Select(b => new Flow(b, FlowView.Identity, null, null) { Told = told }), afterRouting: true);
        return new ReachResult(rules.Space, PacketPath.Forward, query, RegionBuilder.Build(walk.Finals), rules.Doubts);
    }

    /// <summary>
    /// Forwarded packets as they arrived, from routing on as a DNAT in PREROUTING to <paramref name="to"/>
    /// port <paramref name="port"/> would leave them: FORWARD and POSTROUTING's conditions on the
    /// destination and the state read the NATed packet, conntrack's original tuple the packet as it arrived.
    /// What a filter does to the connections a DNAT that the walk does not take (missing, stale) would
    /// make. The regions partition <paramref name="arrived"/>, in its terms.
    /// </summary>
    public static ReachResult ReachAfterDnat(SymbolicRuleset rules, PacketSet arrived, UInt128 to, int port)
    {
        var (destination, dport) = (IntervalSet.Single(to), IntervalSet.Single((UInt128)port));
        var bound = FlowView.Identity with { Dst = destination, Dport = dport, NatBoundAt = "PREROUTING" };
        // A DNAT to where the packet already goes binds all the same, without the DNAT status (as the walk's DNAT).
        var kept = arrived.Intersect(rules.Space.Whole().With(Dimension.Dst, destination).With(Dimension.Proto, PacketSpace.PortProtocols).With(Dimension.Dport, dport));
        var flows = arrived.Subtract(kept).Boxes.Select(b => new Flow(b, bound.WithState(Dnated), null, null))
            .Concat(kept.Boxes.Select(b => new Flow(b, bound, null, null)));
        var walk = new SymbolicWalk(rules);
        walk.Run(PacketPath.Forward, flows, afterRouting: true);
        return new ReachResult(rules.Space, PacketPath.Forward, arrived, RegionBuilder.Build(walk.Finals), rules.Doubts);
    }

    // One delegate for every call: StateMap remembers a change by its delegate.
    private static readonly Func<int, int> Dnated = s => s | (int)ConntrackStates.Dnat;

    private static readonly IntervalSet NewDnated = RuleCompiler.States(ConntrackStates.New).Intersect(RuleCompiler.States(ConntrackStates.Dnat));

    public static ReachResult Reach(SymbolicRuleset rules, ReachQuery query) =>
        Reach(rules, query.Path, query.ToPacketSet(rules.Space));
}
