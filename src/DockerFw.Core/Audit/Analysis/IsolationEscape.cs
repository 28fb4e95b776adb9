using DockerFw.Core.Model;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// Where packets between networks left Docker's isolation undropped. The isolation chains either
/// drop such a packet or return it at their end; a RETURN above a chain's last rule (moved there, or
/// inserted) returns it before the DROP it should meet, and Docker's ACCEPT further on only completes
/// what that RETURN began. That RETURN is then the rule to name, not the ACCEPT.
/// </summary>
public static class IsolationEscape
{
    /// <summary>The last early RETURN of an isolation chain on the region's way, or null.</summary>
    public static ResponsibleRule? Of(Ruleset ruleset, ReachRegion region) =>
        region.Rules.LastOrDefault(r => r.Table == "filter" && r.Chain.StartsWith("DOCKER-ISOLATION", StringComparison.Ordinal)
            && r.Number < ruleset["filter"]?[r.Chain]?.Rules.Length
            && ruleset.RuleAt(r.Table, r.Chain, r.Number)?.Target is VerdictTarget { Verdict: Verdict.Return });

    /// <summary>The rules that open the way for these pieces: each region's early isolation RETURN, else the rule that decided it.</summary>
    public static IEnumerable<Evidence> Evidence(IEnumerable<Piece> pieces, Ruleset ruleset) =>
        pieces.Select(p => Of(ruleset, p.Region) is { } escape ? (Rule: escape, Role: "lets it past isolation")
                : (Rule: EvidenceOf.Deciding(p.Region), Role: "opens the way"))
            .Where(e => e.Rule is not null).Distinct()
            .Select(e => EvidenceOf.Rule(ruleset, e.Rule!, e.Role));
}
