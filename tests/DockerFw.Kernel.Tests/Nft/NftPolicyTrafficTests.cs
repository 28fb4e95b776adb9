using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Nft;

/// <summary>
/// plan/apply on Docker 29's nftables backend, judged by the kernel: Docker's layout of the corpus
/// (<c>moby29-nftables-usernet-portmap.nft</c>: bridge1 192.0.2.0/24, web's 8080 -> 80) loaded with
/// <c>nft -f</c> into a namespace host (<see cref="NftHost"/>), dockerfw's own table applied there,
/// and real TCP connections between container namespaces and from a client outside.
/// </summary>
public sealed class NftPolicyTrafficTests
{
    private const string Layout = "moby29-nftables-usernet-portmap.nft";

    [KernelFact]
    public void An_icc_off_network_with_one_allowed_pair_holds_for_real_connections_and_Dockers_table_is_untouched()
    {
        using var host = new NftHost(Layout);
        var docker = host.Table("ip", "docker-bridges");
        var policy = host.Policy("network backend { icc off; allow api -> web tcp/80 }\n");
        Assert.True(host.Connects("db", NftHost.Web, 80), "before the policy Docker's icc lets db reach web");

        var plan = host.Dockerfw("", "plan", "--policy", policy);
        var applied = host.Dockerfw("", "apply", "--policy", policy, "--yes", "--backup-dir", host.Backups);

        Assert.True(plan.ExitCode == 0, plan.Error);
        Assert.StartsWith("# nft -f\ntable ip dockerfw\ndelete table ip dockerfw\ntable ip dockerfw {", plan.Out, StringComparison.Ordinal);
        Assert.True(applied.ExitCode == 0, applied.Error);
        Assert.True(host.Connects("api", NftHost.Web, 80), "api -> web tcp/80 is allowed");
        Assert.False(host.Connects("api", NftHost.Web, 81), "api -> web tcp/81 is not");
        Assert.False(host.Connects("db", NftHost.Web, 80), "db -> web is not");
        Assert.False(host.Connects("web", NftHost.Api, 80), "web -> api is not");
        Assert.True(host.Connects("out", NftHost.HostAddress, 8080), "web's published port still answers");
        Assert.Equal(Uncounted(docker), Uncounted(host.Table("ip", "docker-bridges")));
        var again = host.Dockerfw("", "apply", "--policy", policy, "--yes", "--backup-dir", host.Backups);
        Assert.Contains("no change", again.Out, StringComparison.Ordinal);
    }

    [KernelFact]
    public void A_published_port_kept_to_other_clients_refuses_the_outside_client_and_remove_gives_it_back()
    {
        using var host = new NftHost(Layout);
        var before = host.Ruleset();
        Assert.True(host.Connects("out", NftHost.HostAddress, 8080), "before the policy the published port answers everyone");

        var applied = host.Dockerfw("", "apply", "--policy", host.Policy("publish web tcp/8080 from 198.51.100.0/24\n"), "--yes", "--backup-dir", host.Backups);
        Assert.True(applied.ExitCode == 0, applied.Error);
        Assert.False(host.Connects("out", NftHost.HostAddress, 8080), "203.0.113.2 is not among the clients");
        Assert.True(host.Connects("api", NftHost.Web, 80), "traffic inside the network is not the publish statement's business");

        var removed = host.Dockerfw("", "apply", "--remove", "--yes", "--backup-dir", host.Backups);
        Assert.True(removed.ExitCode == 0, removed.Error);
        Assert.Equal("", host.Table("ip", "dockerfw"));
        Assert.Equal(Uncounted(before), Uncounted(host.Ruleset()));
        Assert.True(host.Connects("out", NftHost.HostAddress, 8080), "after --remove the port answers everyone again");
    }

    [KernelFact]
    public void An_unconfirmed_apply_restores_dockerfws_earlier_table_exactly_and_leaves_Dockers_table_as_it_is_now()
    {
        using var host = new NftHost(Layout);
        var first = host.Dockerfw("", "apply", "--policy", host.Policy("network backend { icc off; allow api -> web tcp/80 }\n"), "--yes", "--backup-dir", host.Backups);
        Assert.True(first.ExitCode == 0, first.Error);
        var earlier = host.Table("ip", "dockerfw");
        // Docker changes its own table meanwhile (a container's port published during the wait):
        // the rollback must keep that.
        host.Nft("add rule ip docker-bridges nat-prerouting-and-output iifname != \"bridge1\" tcp dport 9090 dnat to 192.0.2.3:80\n");
        var docker = host.Table("ip", "docker-bridges");

        var second = host.Dockerfw("", "apply", "--policy", host.Policy("network backend { icc off }\n"), "--yes", "--confirm-timeout", "1", "--backup-dir", host.Backups);

        Assert.Equal(2, second.ExitCode);
        Assert.Contains("standard input ended before the confirmation", second.Error, StringComparison.Ordinal);
        Assert.Contains("dockerfw's changes were undone", second.Error, StringComparison.Ordinal);
        Assert.Equal(Uncounted(earlier), Uncounted(host.Table("ip", "dockerfw")));
        Assert.Equal(Uncounted(docker), Uncounted(host.Table("ip", "docker-bridges")));
        Assert.True(host.Connects("api", NftHost.Web, 80), "the earlier policy's pair connects again");
        Assert.False(host.Connects("db", NftHost.Web, 80), "and the earlier icc off holds");
    }

    [KernelFact]
    public void An_allow_between_networks_that_Dockers_table_drops_is_refused_by_the_proof_and_nothing_is_applied()
    {
        using var host = new NftHost(Layout);
        var before = host.Ruleset();

        var plan = host.Dockerfw("", "apply", "--policy", host.Policy("allow bridge -> backend tcp/80\n"), "--yes", "--backup-dir", host.Backups);

        Assert.Equal(2, plan.ExitCode);
        Assert.Contains("[DFW831]", plan.Error, StringComparison.Ordinal);
        Assert.Contains("[DFW840]", plan.Error, StringComparison.Ordinal);
        Assert.Contains("docker-bridges/filter-forward-in__bridge1", plan.Error, StringComparison.Ordinal);
        Assert.Equal(Uncounted(before), Uncounted(host.Ruleset()));
    }

    private static string Uncounted(string listing) =>
        System.Text.RegularExpressions.Regex.Replace(listing, @"counter packets \d+ bytes \d+", "counter");
}
