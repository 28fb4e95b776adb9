using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Checks;
using DockerFw.Core.Audit.Fabric;

namespace DockerFw.Tests.Audit.Fabric;

/// <summary>
/// flannel beside Docker, from the rules flanneld writes (Fixtures/flannel-v0.25 and -v0.11, written
/// from flannel's source): its pool and lease read back from its rules, and what Docker's rules do to
/// traffic within the pool, each claim over every packet.
/// </summary>
public sealed class FlannelFactsTests
{
    private static FabricReport Report(string dump, string docker0 = "10.5.94.0/24") => FabricReport.Of(FabricHost.Context(dump, FabricHost.Flannel(docker0)))!;

    private static List<Finding> Findings(string dump, string docker0 = "10.5.94.0/24") => [.. new FabricCheck().Run(FabricHost.Context(dump, FabricHost.Flannel(docker0)))];

    [Theory]
    [InlineData("flannel-v0.25", "nat/FLANNEL-POSTRTG#2")]
    [InlineData("flannel-v0.11", "nat/FLANNEL-POSTRTG#4")]
    public void The_pool_and_this_hosts_lease_are_read_back_from_flanneld_s_return_rules(string dump, string source)
    {
        var config = Report(FabricHost.Dump(dump)).Flannel!.Config;

        Assert.Equal(("10.5.0.0/16", "10.5.94.0/24", source), (config.Network.ToString(), config.Subnet?.ToString(), config.Source));
    }

    [Fact]
    public void Subnet_env_is_read_as_flanneld_writes_it()
    {
        var config = FlannelConfig.ParseEnv("FLANNEL_NETWORK=10.5.0.0/16\nFLANNEL_SUBNET=10.5.94.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n")!;

        Assert.Equal(("10.5.0.0/16", "10.5.94.0/24", 1450, true), (config.Network.ToString(), config.Subnet!.ToString(), config.Mtu, config.IpMasq));
    }

    [Fact]
    public void A_host_without_flannel_s_chains_has_no_fabric()
    {
        Assert.Null(FabricReport.Of(FabricHost.Context(new DockerHost().ToString(), EngineView.TwoBridges())));
        Assert.Empty(new FabricCheck().Run(FabricHost.Context(new DockerHost().ToString(), EngineView.TwoBridges())));
    }

    [Theory]
    [InlineData("flannel-v0.25")]
    [InlineData("flannel-v0.11")]
    public void Flannel_s_return_only_leaves_its_own_chain_so_docker_s_masquerade_rewrites_pool_traffic_whichever_runs_first(string version)
    {
        // v0.25 appends its jump after Docker's MASQUERADE; v0.11 inserts it first, but its RETURN for the
        // pool goes back to POSTROUTING, where Docker's rule comes next.
        var flannel = Report(FabricHost.Dump(version)).Flannel!;

        Assert.True(flannel.Outbound!.Kept.IsEmpty);
        Assert.False(flannel.Outbound.Masqueraded.IsEmpty);
        var finding = Assert.Single(Findings(FabricHost.Dump(version)));
        Assert.Equal("DFW271", finding.Code.Code);
        Assert.Equal("-A POSTROUTING -s 10.5.94.0/24 ! -o docker0 -j MASQUERADE", Assert.Single(finding.Evidence).Text);
        Assert.Contains("--ip-masq=false", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("flannel-v0.25")]
    [InlineData("flannel-v0.11")]
    public void Docker_started_with_ip_masq_off_as_flannel_asks_leaves_pool_traffic_alone_and_flannel_fwd_accepts_it(string version)
    {
        var dump = IpMasqOff(version);
        var flannel = Report(dump).Flannel!;

        Assert.True(flannel.Outbound!.Masqueraded.IsEmpty);
        Assert.True(flannel.Outbound.Blocked.IsEmpty && flannel.Inbound!.Blocked.IsEmpty);
        Assert.Equal(("FLANNEL-FWD", 1), (Assert.Single(flannel.Inbound.Accepting).Chain, flannel.Inbound.Accepting[0].Rule));
        Assert.Empty(Findings(dump));
    }

    /// <summary>dockerd --ip-masq=false (flannel's mk-docker-opts.sh): Docker writes no MASQUERADE for docker0.</summary>
    private static string IpMasqOff(string version) =>
        FabricHost.Dump(version).Without("-A POSTROUTING -s 10.5.94.0/24 ! -o docker0 -j MASQUERADE");

    [Fact]
    public void Without_flannel_fwd_docker_s_forward_policy_drop_turns_the_pool_away_and_the_finding_names_it()
    {
        var dump = IpMasqOff("flannel-v0.11")
            .Without("-A FLANNEL-FWD -s 10.5.0.0/16 -m comment --comment \"flanneld forward\" -j ACCEPT")
            .Without("-A FLANNEL-FWD -d 10.5.0.0/16 -m comment --comment \"flanneld forward\" -j ACCEPT");
        var flannel = Report(dump).Flannel!;

        Assert.True(flannel.Inbound!.AllBlocked);
        // Docker accepts what leaves docker0 by itself: only the way in is refused.
        Assert.True(flannel.Outbound!.Blocked.IsEmpty);
        var finding = Assert.Single(Findings(dump));
        Assert.Equal("DFW272", finding.Code.Code);
        Assert.Equal("policy of filter/FORWARD", Assert.Single(finding.Evidence).Text);
        Assert.StartsWith("New connections from the pool's other subnets (10.5.0.0/16 but 10.5.94.0/24) into docker0", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_drop_of_one_peer_lease_in_docker_user_blocks_only_that_lease()
    {
        var dump = IpMasqOff("flannel-v0.11").Replace("-A DOCKER-USER -j RETURN", "-A DOCKER-USER -s 10.5.7.0/24 -o docker0 -j DROP\n-A DOCKER-USER -j RETURN", StringComparison.Ordinal);
        // FLANNEL-FWD comes before DOCKER-USER in v0.11: it accepts first, the drop never runs.
        Assert.Empty(Findings(dump));

        var v025 = IpMasqOff("flannel-v0.25").Replace("-A DOCKER-USER -j RETURN", "-A DOCKER-USER -s 10.5.7.0/24 -o docker0 -j DROP\n-A DOCKER-USER -j RETURN", StringComparison.Ordinal);
        var finding = Assert.Single(Findings(v025));
        Assert.Equal("DFW272", finding.Code.Code);
        Assert.StartsWith("Some new connections (from 10.5.7.0/24)", finding.Message, StringComparison.Ordinal);
        Assert.Equal("-A DOCKER-USER -s 10.5.7.0/24 -o docker0 -j DROP", Assert.Single(finding.Evidence).Text);
    }

    [Theory]
    [InlineData("172.17.0.0/16", "their traffic leaves the pool")]
    [InlineData("10.5.12.0/24", "may be leased to another host")]
    public void Docker0_off_flannel_s_lease_is_reported_with_the_bip_remedy(string docker0, string consequence)
    {
        var dump = FabricHost.Dump("flannel-v0.11");
        var finding = Assert.Single(Findings(dump, docker0), f => f.Code.Code == "DFW270");

        Assert.Contains($"docker0 is on {docker0}, but flannel leased 10.5.94.0/24 of the pool 10.5.0.0/16", finding.Message, StringComparison.Ordinal);
        Assert.Contains(consequence, finding.Message, StringComparison.Ordinal);
        Assert.Contains("--bip=${FLANNEL_SUBNET}", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Findings(dump), f => f.Code.Code == "DFW270");
    }

    [Fact]
    public void Subnet_env_given_overrides_what_the_rules_say()
    {
        var context = FabricHost.Context(FabricHost.Dump("flannel-v0.11"), FabricHost.Flannel())
            with { Flannel = FlannelConfig.ParseEnv("FLANNEL_NETWORK=10.5.0.0/16\nFLANNEL_SUBNET=10.5.3.1/24\nFLANNEL_MTU=1450\n") };

        Assert.Equal("subnet.env", FabricReport.Of(context)!.Flannel!.Config.Source);
        Assert.Contains(new FabricCheck().Run(context), f => f.Code.Code == "DFW270" && f.Message.Contains("flannel leased 10.5.3.0/24", StringComparison.Ordinal));
    }
}
