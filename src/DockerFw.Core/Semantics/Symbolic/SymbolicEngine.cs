namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// Symbolic evaluation: the exact partition of a set of packets into what a ruleset accepts, drops,
/// rejects, and cannot decide from the dump alone. docs/symbolic.md describes the algorithm.
/// </summary>
public static class SymbolicEngine
{
    public static ReachResult Reach(SymbolicRuleset rules, PacketPath path, PacketSet query)
    {
        var walk = new SymbolicWalk(rules);
        walk.Run(path, query.Boxes.Select(b => new Flow(b, FlowView.Identity, null, null)));
        return new ReachResult(rules.Space, path, query, RegionBuilder.Build(walk.Finals), rules.Doubts);
    }

    /// <summary>
    /// Forwarded packets as routing leaves them, destination NAT already applied (their state says
    /// so): FORWARD and POSTROUTING only. What a filter does to the packets a DNAT makes.
    /// </summary>
    public static ReachResult ReachAfterRouting(SymbolicRuleset rules, PacketSet query)
    {
        var walk = new SymbolicWalk(rules);
        walk.Run(PacketPath.Forward, query.Boxes.Select(b => new Flow(b, FlowView.Identity, null, null)), afterRouting: true);
        return new ReachResult(rules.Space, PacketPath.Forward, query, RegionBuilder.Build(walk.Finals), rules.Doubts);
    }

    public static ReachResult Reach(SymbolicRuleset rules, ReachQuery query) =>
        Reach(rules, query.Path, query.ToPacketSet(rules.Space));
}
