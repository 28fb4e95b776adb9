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

            Sh.Must("kill", "-TERM", enforce.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var ended = enforce.Process.WaitForExit(TimeSpan.FromSeconds(30));
            // With a timeout, WaitForExit does not wait for the redirected output to be read to its
            // end; without one (the process has exited) it does, so the last log line is there.
            if (ended) enforce.Process.WaitForExit();
            var log = enforce.Log;

            Assert.True(first, log);
            Assert.Equal("172.31.46.200", traffic.Ip("db", "shop"));
            Assert.True(moved, log);
            Assert.True(flushed, log);
            Assert.Equal([true, false], afterFlush);
            Assert.True(ended, log);
            Assert.Equal(0, enforce.Process.ExitCode);
            Assert.Contains("level=info msg=\"applied the policy\"", log, StringComparison.Ordinal);
            Assert.True(log.Split("msg=\"applied the policy\"").Length - 1 >= 3, log);
            Assert.Contains("msg=\"stopped; the rules stay as the last round left them\"", log, StringComparison.Ordinal);
            Assert.Contains("-A DOCKER-USER -j DOCKERFW-POLICY", lab.MustInLab("iptables-save", "-t", "filter"), StringComparison.Ordinal);
        }
        finally
        {
            if (!enforce.Process.HasExited) enforce.Process.Kill(entireProcessTree: true);
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

    private Running Start(string policy, string backups)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
                 {
                     Path.Combine(AppContext.BaseDirectory, "dockerfw.dll"), "enforce", "--policy", policy, "--netns", lab.Netns,
                     "--docker-host", lab.DockerHost, "--interval", "1", "--backup-dir", backups,
                 })
            start.ArgumentList.Add(argument);
        return new Running(Process.Start(start)!);
    }

    /// <summary>The enforce process and everything it printed so far.</summary>
    private sealed class Running : IDisposable
    {
        private readonly System.Text.StringBuilder output = new();

        public Running(Process process)
        {
            Process = process;
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public string Log
        {
            get
            {
                lock (output) return output.ToString();
            }
        }

        private void Append(string? line)
        {
            if (line is null) return;
            lock (output) output.Append(line).Append('\n');
        }

        public void Dispose() => Process.Dispose();
    }
}
