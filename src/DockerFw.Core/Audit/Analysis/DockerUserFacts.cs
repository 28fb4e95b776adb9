using DockerFw.Core.Model;
using DockerFw.Core.Model.Targets;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// Where DOCKER-USER hangs: the report describes the structure (the chain, the jump's position in
/// filter FORWARD, the rules in it); whether traffic really passes through it is asked of the engine.
/// </summary>
public static class DockerUserFacts
{
    public static DockerUserReport Of(Ruleset ruleset)
    {
        var filter = ruleset.IptablesTable("filter");
        var chain = filter?["DOCKER-USER"];
        var forward = filter?["FORWARD"]?.Rules ?? [];
        var jump = forward.FirstOrDefault(r => r.Target is JumpTarget { Chain: "DOCKER-USER" });
        return new DockerUserReport(
            chain is not null,
            jump?.Number,
            jump?.Number == 1,
            [.. (chain?.Rules ?? []).Select(r => Semantics.RuleText.Of(r))]);
    }

    /// <summary>The FORWARD rules a packet meets before the jump to DOCKER-USER.</summary>
    public static IEnumerable<Rule> RulesBeforeJump(Ruleset ruleset, DockerUserReport report) =>
        report.JumpFromForwardPosition is { } p ? (ruleset.IptablesTable("filter")?["FORWARD"]?.Rules ?? []).Take(p - 1) : [];
}
