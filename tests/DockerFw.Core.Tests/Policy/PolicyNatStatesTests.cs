using DockerFw.Core.Model;
using DockerFw.Core.Policy;
using DockerFw.Core.Policy.Judging;
using DockerFw.Core.Remediation;
using DockerFw.Core.Semantics.Connections;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Tests.Audit;

namespace DockerFw.Tests.Policy;

/// <summary>
/// Oracle F45 in the policy's judge: Docker masquerades frontend's traffic to backend (samples/lab-host),
/// so web's connections to api are SNAT connections, and xt_conntrack's <c>--ctstate SNAT</c> meets
/// every reply and every later packet of them (never the opening: nat POSTROUTING sets the bit after
/// FORWARD). The judge asked them as plain ESTABLISHED and called the pair reachable.
/// </summary>
public sealed class PolicyNatStatesTests
{
    private static readonly string LabHost = File.ReadAllText(Path.Combine(Corpus.RepoRoot, "samples", "lab-host", "iptables-save"));

    private static readonly string Frontend = PolicyResolverTests.LabHost.NetworkByName("frontend")!.Bridge!;

    private static readonly ResolvedPolicy Policy =
        PolicyResolver.Resolve(PolicyReader.Read("allow frontend -> backend", "p.policy").Value!, PolicyResolverTests.LabHost).Value!;

    private static Ruleset After(string dockerUser)
    {
        var plan = PolicyPlanner.Plan(AuditFixture.Read(LabHost), Policy);
        Assert.True(plan.Value is not null, string.Join('\n', plan.Diagnostics.Select(d => d.Render())));
        var text = IptablesSaveWriter.Write(plan.Value!.After, includeCounters: false);
        return AuditFixture.Read(text.Replace("-A DOCKER-USER -j DOCKERFW-POLICY", $"{dockerUser}\n-A DOCKER-USER -j DOCKERFW-POLICY", StringComparison.Ordinal));
    }

    private static List<PairVerdict> WebToApi(Ruleset rules) =>
        [.. PairJudge.Judge(PolicyView.Proving(rules, Policy), Policy).Verdicts
            .Where(v => (v.From.Container.Name, v.From.Network.Name, v.To.Container.Name, v.To.Network.Name) == ("web", "frontend", "api", "backend"))];

    [Fact]
    public void A_drop_of_snat_connections_out_to_frontend_makes_web_to_api_one_way()
    {
        var verdicts = WebToApi(After($"-A DOCKER-USER -o {Frontend} -m conntrack --ctstate SNAT -j DROP"));

        Assert.NotEmpty(verdicts);
        Assert.All(verdicts, v => Assert.Equal((Reachability.OneWay, Reachability.Reachable, true), (v.Actual, v.Expected, v.Reply)));
    }

    [Fact]
    public void A_drop_of_snat_connections_in_from_frontend_lets_the_openings_through_and_nothing_after()
    {
        var verdicts = WebToApi(After($"-A DOCKER-USER -i {Frontend} -m conntrack --ctstate SNAT -j DROP"));

        Assert.NotEmpty(verdicts);
        Assert.All(verdicts, v => Assert.Equal((Reachability.OpeningOnly, Reachability.Reachable), (v.Actual, v.Expected)));
    }

    [Fact]
    public void A_drop_of_dnat_connections_meets_none_of_them()
    {
        Assert.Empty(WebToApi(After($"-A DOCKER-USER -m conntrack --ctstate DNAT -j DROP")));
    }
}
