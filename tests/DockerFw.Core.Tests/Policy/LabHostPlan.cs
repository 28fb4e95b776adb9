using DockerFw.Core.Model;
using DockerFw.Core.Policy;
using DockerFw.Core.Policy.Judging;
using DockerFw.Core.Remediation;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Tests.Audit;

namespace DockerFw.Tests.Policy;

/// <summary>
/// samples/lab-host planned for <c>allow frontend -> backend</c>, and the policy judge's verdicts for
/// web (frontend) to api (backend): the fixture of the judge's tests on lab-host (oracle F45, F46),
/// each of which adds the DOCKER-USER rule it is about before the policy's jump.
/// </summary>
internal static class LabHostPlan
{
    public static readonly string Dump = File.ReadAllText(Path.Combine(Corpus.RepoRoot, "samples", "lab-host", "iptables-save"));

    public static readonly string Frontend = PolicyResolverTests.LabHost.NetworkByName("frontend")!.Bridge!;

    public static readonly ResolvedPolicy Policy =
        PolicyResolver.Resolve(PolicyReader.Read("allow frontend -> backend", "p.policy").Value!, PolicyResolverTests.LabHost).Value!;

    /// <summary>The planned rules of <paramref name="dump"/> (lab-host's by default) with <paramref name="dockerUser"/> before the jump to the policy's chain.</summary>
    public static Ruleset After(string dockerUser, string? dump = null)
    {
        var plan = PolicyPlanner.Plan(AuditFixture.Read(dump ?? Dump), Policy);
        Assert.True(plan.Value is not null, string.Join('\n', plan.Diagnostics.Select(d => d.Render())));
        var text = IptablesSaveWriter.Write(plan.Value!.After, includeCounters: false);
        return AuditFixture.Read(text.Replace("-A DOCKER-USER -j DOCKERFW-POLICY", $"{dockerUser}\n-A DOCKER-USER -j DOCKERFW-POLICY", StringComparison.Ordinal));
    }

    /// <summary>The judge's verdicts for web (frontend) to api (backend), on a view of the rules (<paramref name="view"/> adjusts it).</summary>
    public static List<PairVerdict> WebToApi(Ruleset rules, Func<PolicyView, PolicyView>? view = null) =>
        [.. PairJudge.Judge((view ?? (v => v))(PolicyView.Proving(rules, Policy)), Policy).Verdicts
            .Where(v => (v.From.Container.Name, v.From.Network.Name, v.To.Container.Name, v.To.Network.Name) == ("web", "frontend", "api", "backend"))];
}
