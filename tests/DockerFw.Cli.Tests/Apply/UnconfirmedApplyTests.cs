using DockerFw.Cli.Apply;
using DockerFw.Cli.Input;
using DockerFw.Cli.Tests.Support;
using DockerFw.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace DockerFw.Cli.Tests.Apply;

/// <summary>
/// The half states an apply must not leave, in a namespace loaded with samples/lab-host's rules:
/// rules others add during the confirmation wait survive the rollback, a signal or SIGKILL during the
/// wait still undoes the apply, a second apply waits for none, a failing undo says how to undo by
/// hand inside the namespace, and an unusable backup directory is refused before anything changes.
/// </summary>
public sealed class UnconfirmedApplyTests : IDisposable
{
    private static readonly string LabHost = Path.Combine(Corpus.RepoRoot, "samples", "lab-host");

    private readonly TestNamespace netns = new();

    private readonly string backups = Directory.CreateTempSubdirectory("dfw-unconfirmed-").FullName;

    public UnconfirmedApplyTests() => netns.Restore(File.ReadAllText(Path.Combine(LabHost, "iptables-save")));

    public void Dispose()
    {
        netns.Dispose();
        Directory.Delete(backups, recursive: true);
    }

    [RootFact]
    public void Rules_others_add_during_the_wait_survive_the_rollback_and_only_dockerfws_chain_and_jump_go()
    {
        var before = Save();
        string[] others = ["-t", "nat", "-A", "DOCKER", "-p", "tcp", "--dport", "9090", "-j", "DNAT", "--to-destination", "172.17.0.9:80"];

        var run = Dockerfw.Run(Args("--confirm-timeout", "30"), new ActingReader(() =>
        {
            InNs(["iptables", .. others]);
            InNs("iptables", "-I", "DOCKER", "-d", "172.17.0.9/32", "-p", "tcp", "--dport", "80", "-j", "ACCEPT");
        }));
        var after = Save();

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("dockerfw's changes to the rules were undone", run.Error, StringComparison.Ordinal);
        Assert.Contains("-A DOCKER -p tcp -m tcp --dport 9090 -j DNAT --to-destination 172.17.0.9:80", after, StringComparison.Ordinal);
        Assert.Contains("-A DOCKER -d 172.17.0.9/32 -p tcp -m tcp --dport 80 -j ACCEPT", after, StringComparison.Ordinal);
        var added = TestNamespace.WithoutCounters(after).Split('\n').Except(TestNamespace.WithoutCounters(before).Split('\n')).ToList();
        Assert.Equal(2, added.Count);
        Assert.DoesNotContain("DOCKERFW-POLICY", after, StringComparison.Ordinal);
    }

    [RootFact]
    public void The_timeout_undoes_the_apply_and_says_it_was_not_confirmed_in_time()
    {
        var before = Save();

        var run = Dockerfw.Run(Args("--confirm-timeout", "1"), new ActingReader(() => Thread.Sleep(3000)));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("not confirmed in time; dockerfw's changes to the rules were undone", run.Error, StringComparison.Ordinal);
        Assert.Equal(TestNamespace.WithoutCounters(before), TestNamespace.WithoutCounters(Save()));
    }

    [RootFact]
    public void A_second_apply_while_one_holds_the_lock_changes_nothing_and_says_why()
    {
        var before = Save();
        var (held, _) = ApplyLock.Take(netns.Name);
        CliRun run;
        using (held) run = Dockerfw.Run(Args());
        var (afterwards, _) = ApplyLock.Take(netns.Name);
        afterwards?.Dispose();

        Assert.NotNull(held);
        Assert.NotNull(afterwards);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"another dockerfw apply is running on namespace {netns.Name}", run.Error, StringComparison.Ordinal);
        Assert.Equal(TestNamespace.WithoutCounters(before), TestNamespace.WithoutCounters(Save()));
    }

    [RootFact]
    public void A_failing_undo_names_the_undo_file_and_the_command_inside_the_namespace()
    {
        var run = Dockerfw.Run(Args("--confirm-timeout", "30"), new StringReader(""), services => services.AddSingleton<IHostCommandRunner>(new FailingUndo()));
        var undo = Directory.GetFiles(backups, "undo-*.restore").Single();
        InNs("iptables-restore", "--noflush", undo);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"FAILED: refused (undo them by hand with: ip netns exec {netns.Name} iptables-restore --noflush {undo}; the full backup is ", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("DOCKERFW-POLICY", Save(), StringComparison.Ordinal);
    }

    [RootFact]
    public void A_backup_directory_that_is_a_file_is_refused_before_anything_changes()
    {
        var before = Save();
        var file = Path.Combine(backups, "not-a-directory");
        File.WriteAllText(file, "");

        var run = Dockerfw.Run(["apply", "--policy", Policy, "--netns", netns.Name, "--yes", "--backup-dir", file, .. Docker]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"the backup directory {file} is a file; nothing applied", run.Error, StringComparison.Ordinal);
        Assert.Equal(TestNamespace.WithoutCounters(before), TestNamespace.WithoutCounters(Save()));
    }

    [RootFact]
    public void A_disk_that_fills_before_the_rules_change_applies_nothing_names_the_backup_and_leaves_no_empty_file()
    {
        var before = Save();
        var small = Path.Combine(backups, "small");
        Directory.CreateDirectory(small);
        Processes.Run("mount", ["-t", "tmpfs", "-o", "size=4k", "tmpfs", small]);
        try
        {
            var run = Dockerfw.Run(["apply", "--policy", Policy, "--netns", netns.Name, "--yes", "--backup-dir", small, .. Docker]);
            var files = Directory.GetFiles(small);

            Assert.Equal(2, run.ExitCode);
            Assert.True(run.Error.Contains("nothing applied (backups kept: ", StringComparison.Ordinal), run.ToString());
            Assert.All(files, f => Assert.NotEqual(0, new FileInfo(f).Length));
            Assert.Equal(TestNamespace.WithoutCounters(before), TestNamespace.WithoutCounters(Save()));
        }
        finally
        {
            Processes.Run("umount", [small]);
        }
    }

    [RootTheory]
    [InlineData("TERM")]
    [InlineData("HUP")]
    [InlineData("INT")]
    public void A_signal_during_the_wait_undoes_the_apply_before_dockerfw_exits(string signal)
    {
        var before = Save();
        using var child = DockerFwProcess.Start(Args("--confirm-timeout", "60"));

        child.WaitFor("Type a line within");
        Assert.Contains("DOCKERFW-POLICY", Save(), StringComparison.Ordinal);
        child.Signal(signal);
        var (exit, error) = child.End();

        Assert.True(exit == 2, error);
        Assert.Contains($"SIG{signal} arrived before the confirmation; dockerfw's changes to the rules were undone", error, StringComparison.Ordinal);
        Assert.Equal(TestNamespace.WithoutCounters(before), TestNamespace.WithoutCounters(Save()));
    }

    [RootFact]
    public void After_sigkill_during_the_wait_the_watchdog_undoes_the_apply()
    {
        var before = Save();
        using var child = DockerFwProcess.Start(Args("--confirm-timeout", "2"));

        child.WaitFor("Type a line within");
        child.Signal("KILL");
        child.End();
        var applied = Save();
        var undone = Enumerable.Range(0, 40).Any(_ => !Save().Contains("DOCKERFW-POLICY", StringComparison.Ordinal) || Pause());

        Assert.Contains("DOCKERFW-POLICY", applied, StringComparison.Ordinal);
        Assert.True(undone, File.ReadAllText(Directory.GetFiles(backups, "watchdog-*.log").Single()));
        Assert.Equal(TestNamespace.WithoutCounters(before), TestNamespace.WithoutCounters(Save()));
    }

    // Issue 13 item 3: a restore or a read-back that hangs past its timeout is a failure after the
    // first backup: the apply is undone and the message names the backups.
    [RootTheory]
    [InlineData("restore")]
    [InlineData("read-back")]
    public void A_tool_that_hangs_past_its_timeout_undoes_the_apply_and_names_the_backup(string hanging)
    {
        var before = Save();

        var run = Dockerfw.Run(Args(), new StringReader(""), services => services.AddSingleton<IHostCommandRunner>(new Hanging(hanging)));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("did not finish within 3 s", run.Error, StringComparison.Ordinal);
        Assert.Contains("dockerfw's changes to the rules were undone", run.Error, StringComparison.Ordinal);
        Assert.Contains(Directory.GetFiles(backups, "iptables-*.save").Single(), run.Error, StringComparison.Ordinal);
        Assert.Equal(TestNamespace.WithoutCounters(before), TestNamespace.WithoutCounters(Save()));
    }

    private static bool Pause()
    {
        Thread.Sleep(250);
        return false;
    }

    private static string Policy => Path.Combine(Corpus.RepoRoot, "rules", "icc-off-backend.policy");

    private static string[] Docker =>
        ["--docker", Path.Combine(LabHost, "docker-networks.json"), "--docker", Path.Combine(LabHost, "docker-containers.json")];

    private string[] Args(params string[] extra) =>
        ["apply", "--policy", Policy, "--netns", netns.Name, "--yes", "--backup-dir", backups, .. Docker, .. extra];

    private string Save() => InNs("iptables-save");

    private string InNs(params string[] command) => netns.Exec(command);

    /// <summary>
    /// The host as it is, with a 3-second limit per tool, except that the plan's iptables-restore
    /// (<c>restore</c>), or the iptables-save after it (<c>read-back</c>), hangs: what a stuck xtables
    /// lock or a wedged kernel does. The hanging one runs after the real one, so the rules did change.
    /// </summary>
    private sealed class Hanging(string which) : IHostCommandRunner
    {
        private readonly ProcessCommandRunner inner = new(InputLimits.NftJson, TimeSpan.FromSeconds(3));
        private bool restored;

        public CommandOutcome Run(string program, IReadOnlyList<string> arguments)
        {
            var plan = arguments.Any(a => a.Contains("/plan-", StringComparison.Ordinal));
            var save = arguments.Contains("iptables-save");
            if (which == "restore" && plan)
            {
                inner.Run(program, arguments);
                return inner.Run(program, [.. arguments.TakeWhile(a => a != "iptables-restore"), "sleep", "30"]);
            }

            if (which == "read-back" && save && restored)
            {
                restored = false;
                return inner.Run(program, [.. arguments.TakeWhile(a => a != "iptables-save"), "sleep", "30"]);
            }

            restored |= plan;
            return inner.Run(program, arguments);
        }
    }

    /// <summary>The host as it is, except that the undo's iptables-restore is refused.</summary>
    private sealed class FailingUndo : IHostCommandRunner
    {
        private readonly ProcessCommandRunner inner = new();

        public CommandOutcome Run(string program, IReadOnlyList<string> arguments) =>
            arguments.Any(a => a.Contains("/undo-", StringComparison.Ordinal)) && !arguments.Contains("setsid") && program != "setsid"
                ? new CommandOutcome(1, "", "refused")
                : inner.Run(program, arguments);
    }
}
