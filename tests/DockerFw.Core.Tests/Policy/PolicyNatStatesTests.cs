using DockerFw.Core.Model;
using DockerFw.Core.Policy.Judging;
using DockerFw.Core.Semantics.Connections;

namespace DockerFw.Tests.Policy;

/// <summary>
/// Oracle F45 in the policy's judge: Docker masquerades frontend's traffic to backend (samples/lab-host),
/// so web's connections to api are SNAT connections, and xt_conntrack's <c>--ctstate SNAT</c> meets
/// every reply and every later packet of them (never the opening: nat POSTROUTING sets the bit after
/// FORWARD). The judge asked them as plain ESTABLISHED and called the pair reachable.
/// </summary>
public sealed class PolicyNatStatesTests
{
    private static readonly string Frontend = LabHostPlan.Frontend;

    private static Ruleset After(string dockerUser) => LabHostPlan.After(dockerUser);

    private static List<PairVerdict> WebToApi(Ruleset rules) => LabHostPlan.WebToApi(rules);

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
