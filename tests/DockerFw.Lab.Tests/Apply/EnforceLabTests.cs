using System.Diagnostics;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Apply;

/// <summary>
/// `dockerfw enforce` as a process on a real dockerd: it applies the policy, applies it again when
/// Docker moves a container to a new address and when DOCKER-USER is flushed, each checked by real
/// traffic, and SIGTERM ends it with exit 0, leaving the rules in force.
/// </summary>
[Collection(DefaultLabCollection.Name)]
public sealed class EnforceLabTests
{
    private const string Policy = "network shop {\n  icc off;\n  allow api -> db tcp/5432;\n}\n";

    private readonly DefaultLab lab;
    private readonly Traffic traffic;

    public EnforceLabTests(DefaultLab lab)
    {
        this.lab = lab;
        traffic = new Traffic(lab);
        if (LabDaemon.IsRoot) lab.Reset();
    }

    [LabFact]
    public void The_policy_holds_again_after_a_new_address_and_a_flush_and_sigterm_ends_it_cleanly()
    {
        lab.CreateNetwork("shop", "--subnet", "172.31.46.0/24");
        foreach (var member in new[] { "api", "db", "other" }) traffic.EchoServer(member, ["--network", "shop"], 5432);
        var folder = Directory.CreateTempSubdirectory("dfw-lab-enforce-").FullName;
        var policy = Path.Combine(folder, "shop.policy");
        File.WriteAllText(policy, Policy);
        using var enforce = Start(policy, Path.Combine(folder, "backups"));
        try
        {
            var first = Until(() => Pairs("db"), [true, false]);

            // Docker gives db a new address: the allowed pair's rule must follow it.
            lab.MustDocker("network", "disconnect", "shop", "db");
            lab.MustDocker("network", "connect", "--ip", "172.31.46.200", "shop", "db");
            var moved = Until(() => Pairs("db"), [true, false]);

            // A firewall reload or an admin's flush takes the jump away; no Docker event says so.
            lab.MustInLab("iptables", "-F", "DOCKER-USER");
            var flushed = Until(() => lab.MustInLab("iptables-save", "-t", "filter").Contains("-A DOCKER-USER -j DOCKERFW-POLICY", StringComparison.Ordinal), true);
            var afterFlush = Pairs("db");

            enforce.Signal("TERM");
            var ended = enforce.Exits(TimeSpan.FromSeconds(30));
            var log = enforce.Log;

            Assert.True(first, log);
            Assert.Equal("172.31.46.200", traffic.Ip("db", "shop"));
            Assert.True(moved, log);
            Assert.True(flushed, log);
            Assert.Equal([true, false], afterFlush);
            Assert.True(ended, log);
            Assert.Equal(0, enforce.ExitCode);
            Assert.Contains("level=info msg=\"applied the policy\"", log, StringComparison.Ordinal);
            Assert.True(log.Split("msg=\"applied the policy\"").Length - 1 >= 3, log);
            Assert.Contains("msg=\"stopped; the rules stay as the last round left them\"", log, StringComparison.Ordinal);
            Assert.Contains("-A DOCKER-USER -j DOCKERFW-POLICY", lab.MustInLab("iptables-save", "-t", "filter"), StringComparison.Ordinal);
        }
        finally
        {
            enforce.Stop();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>api -> db and other -> db on 5432.</summary>
    private bool[] Pairs(string server) => Traffic.All(
        () => traffic.Connects("api", traffic.Ip(server, "shop"), 5432),
        () => traffic.Connects("other", traffic.Ip(server, "shop"), 5432));

    /// <summary>Whether <paramref name="probe"/> gives <paramref name="expected"/> within 30 s (a loaded machine plans slowly).</summary>
    private static bool Until<T>(Func<T> probe, T expected)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (EqualityComparer<T>.Default.Equals(probe(), expected)) return true;
            Thread.Sleep(500);
        }

        return false;
    }

    private static bool Until(Func<bool[]> probe, bool[] expected) => Until(() => string.Join(',', probe()), string.Join(',', expected));

    private DockerFwProcess Start(string policy, string backups) =>
        DockerFwProcess.Start("enforce", "--policy", policy, "--netns", lab.Netns, "--docker-host", lab.DockerHost, "--interval", "1", "--backup-dir", backups);
}
