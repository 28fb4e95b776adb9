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
    /// Forwarded packets as routing leaves them, destination NAT already applied (their state says
    /// so): FORWARD and POSTROUTING only. What a filter does to the packets a DNAT makes.
    /// </summary>
    /// <param name="told">
    /// What the question knows of its packets' connection (<see cref="ToldConnection"/>): their original
    /// tuple's destination is not what a DNATed packet carries, so it says where it is known.
    /// </param>
    public static ReachResult ReachAfterRouting(SymbolicRuleset rules, PacketSet query, ToldConnection? told = null)
    {
        var walk = new SymbolicWalk(rules);
        walk.Run(PacketPath.Forward, query.Boxes.Select(b => new Flow(b, FlowView.Identity, null, null) { Told = told }), afterRouting: true);
        return new ReachResult(rules.Space, PacketPath.Forward, query, RegionBuilder.Build(walk.Finals), rules.Doubts);
    }

    public static ReachResult Reach(SymbolicRuleset rules, ReachQuery query) =>
        Reach(rules, query.Path, query.ToPacketSet(rules.Space));
}
