using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Checks;
using DockerFw.Core.Audit.Fabric;

namespace DockerFw.Tests.Audit.Fabric;

/// <summary>
/// Weave Net beside Docker, from the rules weave's router and weave-npc write (Fixtures/weave-2.8 and
/// weave-2.8-npc, written from weave's source): what enters the weave bridge from Docker's bridges and
/// from outside, each claim over every packet.
/// </summary>
public sealed class WeaveFactsTests
{
    private static FabricReport Report(string dump) => FabricReport.Of(FabricHost.Context(dump, FabricHost.Weave()))!;

    private static List<Finding> Findings(string dump) => [.. new FabricCheck().Run(FabricHost.Context(dump, FabricHost.Weave()))];

    [Fact]
    public void Weave_is_found_by_its_chains_with_the_subnet_weave_expose_opened()
    {
        var config = Report(FabricHost.Dump("weave-2.8")).Weave!.Config;

        Assert.Equal(["10.32.0.0/12"], config.Exposed.Select(e => e.ToString()));
        Assert.False(config.Npc);
        Assert.True(Report(FabricHost.Dump("weave-2.8-npc")).Weave!.Config.Npc);
    }

    [Fact]
    public void Weave_drops_docker0_alone_so_a_user_network_s_containers_reach_weave_s()
    {
        var weave = Report(FabricHost.Dump("weave-2.8")).Weave!;

        var docker0 = Assert.Single(weave.FromDocker, e => e.From == "bridge").Answer;
        Assert.True(docker0.AllBlocked);
        Assert.Contains(docker0.Blocking, e => e is { Chain: "FORWARD", Rule: 1 });
        var apps = Assert.Single(weave.FromDocker, e => e.From == "apps").Answer;
        Assert.True(apps.Blocked.IsEmpty && apps.Undecided.IsEmpty);

        var finding = Assert.Single(Findings(FabricHost.Dump("weave-2.8")));
        Assert.Equal(("DFW280", "apps"), (finding.Code.Code, Assert.Single(finding.Networks)));
        // WEAVE-EXPOSE lets in the exposed range from anywhere; Docker's own ACCEPT the rest.
        Assert.Equal(["-A FORWARD -i br-5e1f0c3a2b7d ! -o br-5e1f0c3a2b7d -j ACCEPT", "-A WEAVE-EXPOSE -d 10.32.0.0/12 -j ACCEPT"],
            finding.Evidence.Select(e => e.Text).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Without_weave_s_drop_docker0_s_containers_reach_the_weave_bridge_too()
    {
        var dump = FabricHost.Dump("weave-2.8").Without("-A FORWARD -i docker0 -o weave -j DROP");

        Assert.Equal(["apps", "bridge"], Findings(dump).Where(f => f.Code.Code == "DFW280").SelectMany(f => f.Networks).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_exposed_subnet_is_let_in_from_outside_by_weave_expose_and_refused_without_it()
    {
        Assert.True(Report(FabricHost.Dump("weave-2.8")).Weave!.Exposed.Single().Answer.Blocked.IsEmpty);

        var dump = FabricHost.Dump("weave-2.8").Without("-A WEAVE-EXPOSE -d 10.32.0.0/12 -j ACCEPT");
        var finding = Assert.Single(Findings(dump), f => f.Code.Code == "DFW281");
        Assert.Equal("policy of filter/FORWARD", Assert.Single(finding.Evidence).Text);
        Assert.Contains("'weave expose' opened 10.32.0.0/12", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_drop_on_the_uplink_turns_the_exposed_subnet_away_on_that_interface_and_says_so()
    {
        // Oracle F41's rest: asked in on the model's dfw-uplink0 alone, which no rule names, the exposed
        // subnet was let in from everywhere (no DFW281) though no other host reaches it through eth0.
        var dump = FabricHost.Dump("weave-2.8").Replace("-A FORWARD -i docker0 -o weave -j DROP\n",
            "-A FORWARD -i eth0 -o weave -j DROP\n-A FORWARD -i docker0 -o weave -j DROP\n", StringComparison.Ordinal);

        var finding = Assert.Single(Findings(dump), f => f.Code.Code == "DFW281");
        Assert.Contains("but some new connections (via eth0) from outside into it are turned away", finding.Message, StringComparison.Ordinal);
        Assert.Equal("-A FORWARD -i eth0 -o weave -j DROP", Assert.Single(finding.Evidence).Text);
        Assert.False(Report(dump).Weave!.Exposed.Single().Answer.Kept.IsEmpty);
    }

    [Fact]
    public void With_the_policy_controller_what_enters_weave_rests_on_ipsets_the_dump_does_not_hold_and_is_said_undecided()
    {
        var findings = Findings(FabricHost.Dump("weave-2.8-npc"));

        // docker0 is still dropped first; the user network's packets, and those from outside to the
        // exposed range, meet WEAVE-NPC's physdev and ipset matches.
        Assert.All(findings, f => Assert.Equal("DFW289", f.Code.Code));
        var undecided = Assert.Single(findings, f => f.Networks.Contains("apps"));
        Assert.Contains("--match-set weave-E1ne4g7Tz0WpQ2Tkx8DlcDd0", undecided.Message, StringComparison.Ordinal);
        Assert.Contains(findings, f => f.Message.Contains("the exposed 10.32.0.0/12", StringComparison.Ordinal));
    }
}
