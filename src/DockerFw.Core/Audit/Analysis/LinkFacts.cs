using DockerFw.Core.Model.Values;
using DockerFw.Core.Remediation;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// Legacy links as the engine sees them: on a bridge whose containers cannot talk freely, the new
/// connections still accepted from one container to one other container on one port, unless
/// dockerfw's own policy chain accepts them.
/// </summary>
public sealed record LinkFacts(LinkReport Report, AuditedNetwork Network, Evidence? Rule)
{
    public static IEnumerable<LinkFacts> Find(AuditInputs inputs, SymbolicPasses passes, NetworkFacts f)
    {
        var n = f.Network;
        if (f.Icc.Verdict is not (ReachabilityVerdict.Denied or ReachabilityVerdict.Partial) || !passes.From(n).TryGetValue(n.Bridge, out var pieces)) yield break;
        foreach (var p in passes.ToContainersOf(pieces, n).Where(p => p.Verdict == ReachVerdict.Accept))
        {
            var b = p.Box;
            if (b[Dimension.Src].Cardinality != 1 || b[Dimension.Dst].Cardinality != 1
                || b[Dimension.Proto].Cardinality != 1 || b[Dimension.Dport].Cardinality != 1) continue;
            var report = new LinkReport(n.Name, n.Format(b[Dimension.Src].Min), n.Format(b[Dimension.Dst].Min),
                Protocol.FromNumber((int)b[Dimension.Proto].Min).Name, (int)b[Dimension.Dport].Min);
            var deciding = EvidenceOf.Deciding(p.Region);
            // The pairs a dockerfw policy allows have a link's shape but are the policy's (audit --policy judges them).
            if (deciding?.Chain == PolicyPlanner.Chain) continue;
            var rule = deciding is { } d ? EvidenceOf.Rule(inputs.Ruleset, d, "accepts the link") : null;
            yield return new LinkFacts(report, n, rule);
        }
    }
}
