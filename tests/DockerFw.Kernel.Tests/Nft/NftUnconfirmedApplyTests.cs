using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Nft;

/// <summary>
/// An apply of dockerfw's nft table waiting for its confirmation, ended by a signal: dockerfw run as a
/// real process against <see cref="NftHost"/>. A hang-up undoes the apply before dockerfw exits; a
/// SIGKILL leaves it to the detached watchdog, whose <c>nft -j -f</c> undo must put dockerfw's table
/// back as it was (here: none) and leave Docker's table alone.
/// </summary>
public sealed class NftUnconfirmedApplyTests
{
    private const string Layout = "moby29-nftables-usernet-portmap.nft";

    [KernelFact]
    public void A_hang_up_during_the_wait_undoes_the_apply_before_dockerfw_exits()
    {
        using var host = new NftHost(Layout);
        var before = host.Ruleset();
        using var child = Start(host, "60");

        var shown = child.Shows("Type a line within");
        var applied = host.Table("ip", "dockerfw");
        child.Signal("HUP");
        child.Exits(TimeSpan.FromMinutes(1));

        Assert.True(shown, child.Log);
        Assert.Contains("iifname \"bridge1\" oifname \"bridge1\" drop", applied, StringComparison.Ordinal);
        Assert.Equal(2, child.ExitCode);
        Assert.Contains("SIGHUP arrived before the confirmation; dockerfw's changes were undone", child.Log, StringComparison.Ordinal);
        Assert.Equal(Uncounted(before), Uncounted(host.Ruleset()));
    }

    [KernelFact]
    public void After_sigkill_during_the_wait_the_watchdog_undoes_the_apply_and_only_dockerfws_table()
    {
        using var host = new NftHost(Layout);
        using var child = Start(host, "2");

        var shown = child.Shows("Type a line within");
        child.Signal("KILL");
        child.Exits(TimeSpan.FromMinutes(1));
        var applied = host.Table("ip", "dockerfw");
        // Docker changes its own table while the watchdog waits: the undo must keep that.
        host.Nft("add rule ip docker-bridges nat-prerouting-and-output iifname != \"bridge1\" tcp dport 9090 dnat to 192.0.2.3:80\n");
        var docker = host.Table("ip", "docker-bridges");
        var undone = Enumerable.Range(0, 60).Any(_ => host.Table("ip", "dockerfw") == "" || Pause());

        Assert.True(shown, child.Log);
        Assert.Contains("table ip dockerfw", applied, StringComparison.Ordinal);
        Assert.True(undone, string.Join("\n", Directory.GetFiles(host.Backups, "watchdog-*.log").Select(File.ReadAllText)));
        Assert.Equal(docker, host.Table("ip", "docker-bridges"));
        Assert.True(host.Connects("db", NftHost.Web, 80), "Docker's icc is back in charge");
    }

    private static string Uncounted(string listing) =>
        System.Text.RegularExpressions.Regex.Replace(listing, @"counter packets \d+ bytes \d+", "counter");

    private static bool Pause()
    {
        Thread.Sleep(250);
        return false;
    }

    private static DockerFwProcess Start(NftHost host, string timeout) =>
        DockerFwProcess.Start("apply", "--policy", host.Policy("network backend { icc off }\n"), "--netns", host.Host,
            "--docker", host.Docker, "--yes", "--backup-dir", host.Backups, "--confirm-timeout", timeout);
}
