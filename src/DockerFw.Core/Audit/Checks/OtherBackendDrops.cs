using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Checks;

/// <summary>
/// DFW609: outbound container traffic this back end lets out and the other drops, proven over every
/// new packet from a network's containers to outside the container subnets. The facts already judge
/// both back ends together (the traffic is simply not allowed there); this names the other back end
/// as the cause, since its rules are the ones iptables-save never shows.
/// </summary>
internal static class OtherBackendDrops
{
    public static IEnumerable<Finding> Of(AuditContext context, AuditAnalysis analysis, string prefix)
    {
        var inputs = analysis.Inputs;
        var others = context.OtherBackends.Where(r => r.Family == inputs.Family && r.Tables.Any(t => !t.IsNative)).ToList();
        if (others.Count == 0) yield break;
        var own = inputs.Ruleset with { Tables = [.. inputs.Ruleset.Tables.Where(t => t.OtherBackend is null)] };
        // One packet space for both walks: the interface names of every rule of both back ends.
        var names = Interfaces(own).Concat(others.SelectMany(Interfaces)).Distinct().ToList();
        var ownRules = inputs.HostModel.Compile(own, ReachDetail.Verdicts, names);
        var networks = inputs.Networks.IsEmpty
            ? others.SelectMany(o => Docker.DockerViewInference.Infer(o).Networks).Select(n => AuditedNetwork.Of(n, inputs.Family)).OfType<AuditedNetwork>().ToList()
            : [.. inputs.Networks];
        foreach (var other in others)
        {
            var otherRules = inputs.HostModel.Compile(other, ReachDetail.Rules, names);
            var ownDetailed = inputs.HostModel.Compile(own, ReachDetail.Rules, names);
            var otherTool = Tool(other);
            var ownTool = Tool(other, own: true);
            foreach (var n in networks.Where(n => !n.Network.Internal))
            {
                // Either back end may be the one that drops: the kernel runs both whichever the dump read first.
                if (Lost(otherRules, ownRules, other, otherTool, inputs, n) is { } lost)
                    yield return Finding(prefix, otherTool, ownTool, n, lost);
                if (Lost(ownDetailed, otherRules, own, null, inputs, n) is { } lostHere)
                    yield return Finding(prefix, ownTool, otherTool, n, lostHere);
            }
        }
    }

    private static Finding Finding(string prefix, string dropper, string accepter, AuditedNetwork n, (string Flows, List<Evidence> Evidence) lost) =>
        Audit.Finding.Of(FindingCodes.OtherBackendDrops,
            $"{prefix}{dropper} drops new outbound traffic from {n.Name} ({lost.Flows}) that {accepter} lets out: the kernel runs both back ends, so those connections fail, and every fact of this report counts both. Keep one back end: remove the rules {dropper}-save shows, or allow the traffic there.",
            [n.Name], evidence: lost.Evidence);

    /// <summary>The outbound packets of a network one back end (<paramref name="dropping"/>) drops and the other accepts, with the rules that drop them.</summary>
    private static (string Flows, List<Evidence> Evidence)? Lost(SymbolicRuleset dropping, SymbolicRuleset accepting, Ruleset droppingSource, string? tool, AuditInputs inputs,
        AuditedNetwork n)
    {
        var dropped = SymbolicEngine.Reach(dropping, PacketPath.Forward, Outbound(dropping.Space, inputs, n)).Regions
            .Where(r => r.Verdict is ReachVerdict.Drop or ReachVerdict.Reject).ToList();
        if (dropped.Count == 0) return null;
        var lost = SymbolicEngine.Reach(accepting, PacketPath.Forward, new PacketSet([.. dropped.SelectMany(r => r.Packets.Boxes)])).Regions
            .Where(r => r.Verdict == ReachVerdict.Accept).SelectMany(r => r.Packets.Boxes).ToList();
        if (lost.Count == 0) return null;
        var lostSet = new PacketSet([.. lost]);
        var evidence = dropped.Where(r => !r.Packets.Intersect(lostSet).IsEmpty).Select(r => Evidence(droppingSource, r, tool)).Distinct().ToList();
        return (FlowText.Protocols(lost.Aggregate(IntervalSet.Empty, (s, b) => s.Union(b[Dimension.Proto])), dropping.Space), evidence);
    }

    /// <summary>New packets from a network's containers to any address outside the container subnets, leaving by an interface that is no bridge.</summary>
    private static PacketSet Outbound(PacketSpace space, AuditInputs inputs, AuditedNetwork n)
    {
        var subnets = inputs.Networks.Where(x => x.Subnet is not null)
            .Aggregate(IntervalSet.Empty, (s, x) => s.Union(IntervalSet.Range(x.Subnet!.Bounds.First, x.Subnet.Bounds.Last)));
        var own = n.ContainerAddressesAmong(inputs.Networks);
        return SymbolicPasses.NewFromOutside(space, inputs, Dimension.Out).Intersect(space.Whole()
            .With(Dimension.In, space.Interfaces.Matching(new InterfacePattern(n.Bridge)))
            .With(Dimension.Src, own)
            .With(Dimension.Dst, subnets.Complement(space.MaxOf(Dimension.Dst))));
    }

    private static IEnumerable<InterfacePattern> Interfaces(Ruleset ruleset) =>
        ruleset.Rules.SelectMany(r => r.Matches).OfType<InterfaceMatch>().Select(m => m.Value)
            .Concat(ruleset.Rules.SelectMany(r => r.Matches).OfType<InterfaceSetMatch>().SelectMany(m => m.Members));

    /// <summary>
    /// The rule that dropped a region, or the first DROP policy on the forward path when none did;
    /// the other back end's tables are named by its tool (<c>iptables-legacy filter</c>), as the engines name them.
    /// </summary>
    private static Evidence Evidence(Ruleset source, ReachRegion region, string? tool)
    {
        var table = tool is null ? "" : tool + " ";
        if (region.Rules.LastOrDefault() is { } rule && EvidenceOf.Source(source, rule)?.Target is VerdictTarget { Verdict: Verdict.Drop } or RejectTarget)
            return EvidenceOf.Rule(source, rule, "drops container traffic") with { Table = table + rule.Table };
        var policy = new[] { ("mangle", "PREROUTING"), ("mangle", "FORWARD"), ("filter", "FORWARD"), ("security", "FORWARD"), ("mangle", "POSTROUTING") }
            .FirstOrDefault(c => source[c.Item1]?[c.Item2]?.Policy == Verdict.Drop);
        var (t, c) = policy == default ? ("filter", "FORWARD") : policy;
        return new Evidence(table + t, c, 0, source[t]?[c]?.Span.Line ?? 0, $":{c} DROP", "policy drops container traffic") { Family = source.Family };
    }

    /// <summary>The save tool of the other back end, or of this one (<paramref name="own"/>).</summary>
    private static string Tool(Ruleset other, bool own = false)
    {
        var backend = Host.OtherBackendTables.BackendOf(other);
        return Host.OtherBackendTables.ToolOf(own ? (backend == Backend.Nft ? Backend.Legacy : Backend.Nft) : backend, other.Family);
    }
}
