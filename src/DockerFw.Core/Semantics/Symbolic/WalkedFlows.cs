using System.Collections.Immutable;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// A walk's answer before its regions are built, for a caller that reads of each way a rule or two
/// (the audit's outbound NAT: the last SNAT or MASQUERADE on it). The regions group the final flows by
/// their whole way, a text key per flow; a nat walk of a network's outbound traffic on a host with many
/// published ports ends in one final flow per port, each its own region (50,000 over 1,000 bridges),
/// and building them cost a fifth of the walk. When the flows are <see cref="Plain"/>, each final flow
/// is a piece of exactly one region, whose verdict and rules it carries, and the regions come in the
/// order their first flows do (verdicts grouped, ACCEPT last: <see cref="RegionBuilder"/>), so the
/// flows answer what the regions would. Otherwise <see cref="Regions"/> builds them from the same walk.
/// </summary>
public sealed class WalkedFlows
{
    private readonly IReadOnlyList<FinalFlow> _finals;
    private ImmutableArray<ReachRegion>? _regions;

    private WalkedFlows(IReadOnlyList<FinalFlow> finals)
    {
        _finals = finals;
        Plain = finals.All(f => f.Flow.Doubts is null && !f.Flow.Owned && (f.Flow.Trail?.Count ?? 0) <= RegionBuilder.MaxRules);
    }

    /// <summary>The same walk as <see cref="SymbolicEngine.Reach(SymbolicRuleset, PacketPath, PacketSet, ToldConnection?)"/>.</summary>
    public static WalkedFlows Reach(SymbolicRuleset rules, PacketPath path, PacketSet query)
    {
        var walk = new SymbolicWalk(rules);
        walk.Run(path, query.Boxes.Select(b => new Flow(b, FlowView.Identity, null, null)));
        return new WalkedFlows(walk.Finals);
    }

    /// <summary>
    /// No flow is doubtful or owned (only such flows share packets, or give a region another flow's way)
    /// and no way is longer than a region lists: each flow's box lies in the region of its verdict and
    /// way alone, and that region lists the flow's whole way.
    /// </summary>
    public bool Plain { get; }

    /// <summary>The regions, as <see cref="SymbolicEngine.Reach(SymbolicRuleset, PacketPath, PacketSet, ToldConnection?)"/> gives them.</summary>
    public ImmutableArray<ReachRegion> Regions => _regions ??= RegionBuilder.Build(_finals);

    /// <summary>
    /// Each final flow in the walk's order, with its verdict, box and the rules on its way, oldest first;
    /// only when <see cref="Plain"/> (else a flow's box may belong partly to other regions).
    /// </summary>
    public IEnumerable<(ReachVerdict Verdict, Box Box, List<ResponsibleRule> Rules)> Flows()
    {
        if (!Plain) throw new InvalidOperationException("the flows overlap: ask the regions");
        foreach (var final in _finals) yield return (final.Verdict, final.Flow.Box, Trail<ResponsibleRule>.OldestFirst(final.Flow.Trail));
    }
}
