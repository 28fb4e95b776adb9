using System.Text.Json.Nodes;
using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Nft;

/// <summary>
/// <c>dockerfw enforce</c> on a Docker 29 nftables host (<see cref="NftHost"/>), run as a real process
/// against an Engine of the test's own (a unix socket answering the fixture's networks and
/// containers, with no event stream, so rounds come from <c>--interval</c>): it applies dockerfw's
/// table, puts it back after it is deleted, and SIGTERM leaves it in force.
/// </summary>
public sealed class NftEnforceTests
{
    [KernelFact]
    public void Enforce_applies_dockerfws_table_restores_it_after_a_delete_and_keeps_it_at_sigterm()
    {
        using var host = new NftHost("moby29-nftables-usernet-portmap.nft");
        using var engine = StandInEngine.Inspected(JsonNode.Parse(File.ReadAllText(host.Docker))!.AsArray());
        using var enforce = DockerFwProcess.Start("enforce", "--policy", host.Policy("network backend { icc off; allow api -> web tcp/80 }\n"),
            "--netns", host.Host, "--docker-host", "unix://" + engine.Path, "--interval", "1", "--backup-dir", host.Backups);
        try
        {
            var applied = Eventually(() => host.Table("ip", "dockerfw") != "");
            var blocked = !host.Connects("db", NftHost.Web, 80) && host.Connects("api", NftHost.Web, 80);
            host.Nft("delete table ip dockerfw\n");
            var restored = Eventually(() => host.Table("ip", "dockerfw") != "");
            enforce.Signal("TERM");
            var ended = enforce.Exits(TimeSpan.FromMinutes(1));
            string Log() => enforce.Log;

            Assert.True(applied, Log());
            Assert.True(blocked, "db -> web is blocked and api -> web tcp/80 connects: " + Log());
            Assert.True(restored, Log());
            Assert.True(ended && enforce.ExitCode == 0, Log());
            Assert.True(Log().Split("applied the policy").Length - 1 == 2, "one apply at start, one after the delete: " + Log());
            Assert.Contains("iifname \"bridge1\" oifname \"bridge1\" drop", host.Table("ip", "dockerfw"), StringComparison.Ordinal);
            Assert.False(host.Connects("db", NftHost.Web, 80), "the policy is still in force after SIGTERM");
        }
        finally
        {
            enforce.Stop();
        }
    }

    private static bool Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 120; i++)
        {
            if (condition()) return true;
            Thread.Sleep(250);
        }

        return false;
    }
}
