using System.Diagnostics;
using DockerFw.Cli.Input;
using DockerFw.Cli.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using DockerFw.Tests;

namespace DockerFw.Cli.Tests.Apply;

/// <summary>
/// `dockerfw apply` in a network namespace loaded with samples/lab-host's rules (never the root
/// namespace), with the sample's Docker JSON standing in for the Engine.
/// </summary>
public sealed class ApplyCommandTests : IDisposable
{
    private static readonly string LabHost = Path.Combine(Corpus.RepoRoot, "samples", "lab-host");

    private readonly TestNamespace netns = new();

    private readonly string backups = Directory.CreateTempSubdirectory("dfw-apply-").FullName;

    public ApplyCommandTests() => netns.Restore(File.ReadAllText(Path.Combine(LabHost, "iptables-save")));

    public void Dispose()
    {
        netns.Dispose();
        Directory.Delete(backups, recursive: true);
    }

    [RootFact]
    public void Apply_installs_the_plan_and_a_second_apply_changes_nothing()
    {
        var before = Save();

        var first = Apply("--yes");
        var afterFirst = Save();
        var second = Apply("--yes");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("-A DOCKER-USER -j DOCKERFW-POLICY", afterFirst, StringComparison.Ordinal);
        Assert.Contains("--dport 5432 -j ACCEPT", afterFirst, StringComparison.Ordinal);
        Assert.NotEqual(WithoutCounters(before), WithoutCounters(afterFirst));
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("no change", second.Out, StringComparison.Ordinal);
        Assert.Equal(WithoutCounters(afterFirst), WithoutCounters(Save()));
        Assert.Single(Directory.GetFiles(backups, "iptables-*.save"));
    }

    [RootFact]
    public void Input_ending_before_the_confirmation_undoes_the_apply_exactly_and_says_so()
    {
        var before = Save();

        var run = Dockerfw.Run(["apply", "--policy", Policy, "--netns", netns.Name, "--yes", "--confirm-timeout", "1", "--backup-dir", backups, .. Docker], stdin: "");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("standard input ended before the confirmation", run.Error, StringComparison.Ordinal);
        Assert.Equal(WithoutCounters(before), WithoutCounters(Save()));
    }

    [RootFact]
    public void A_read_back_that_differs_from_the_plan_restores_the_previous_rules_exactly()
    {
        var before = Save();

        var run = Dockerfw.Run(
            ["apply", "--policy", Policy, "--netns", netns.Name, "--yes", "--backup-dir", backups, .. Docker],
            stdin: "",
            services => services.AddSingleton<IHostCommandRunner>(new TamperingRunner(netns.Name)));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("the rules read back differ from the plan in chain(s) DOCKERFW-POLICY; dockerfw's changes to the rules were undone: DOCKERFW-POLICY and its jump are as in", run.Error, StringComparison.Ordinal);
        Assert.Equal(WithoutCounters(before), WithoutCounters(Save()));
    }

    [RootFact]
    public void A_confirmation_keeps_the_new_rules()
    {
        var run = Dockerfw.Run(["apply", "--policy", Policy, "--netns", netns.Name, "--yes", "--confirm-timeout", "5", "--backup-dir", backups, .. Docker], stdin: "ok\n");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("-A DOCKER-USER -j DOCKERFW-POLICY", Save(), StringComparison.Ordinal);
    }

    [RootFact]
    public void Without_yes_a_no_applies_nothing()
    {
        var before = Save();

        var run = Dockerfw.Run(["apply", "--policy", Policy, "--netns", netns.Name, "--backup-dir", backups, .. Docker], stdin: "n\n");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("nothing applied", run.Out, StringComparison.Ordinal);
        Assert.Equal(WithoutCounters(before), WithoutCounters(Save()));
    }

    private static string Policy => Path.Combine(Corpus.RepoRoot, "rules", "icc-off-backend.policy");

    private static string[] Docker =>
        ["--docker", Path.Combine(LabHost, "docker-networks.json"), "--docker", Path.Combine(LabHost, "docker-containers.json")];

    private CliRun Apply(params string[] extra) =>
        Dockerfw.Run(["apply", "--policy", Policy, "--netns", netns.Name, "--backup-dir", backups, .. Docker, .. extra]);

    private string Save()
    {
        var start = new ProcessStartInfo("ip", ["netns", "exec", netns.Name, "iptables-save"]) { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return text;
    }

    /// <summary>Someone else edits dockerfw's chain right after the transaction: the read-back must catch it.</summary>
    private sealed class TamperingRunner(string netns) : IHostCommandRunner
    {
        private readonly ProcessCommandRunner inner = new();

        public CommandOutcome Run(string program, IReadOnlyList<string> arguments)
        {
            var outcome = inner.Run(program, arguments);
            if (arguments.Contains("--noflush"))
                inner.Run("ip", ["netns", "exec", netns, "iptables", "-A", "DOCKERFW-POLICY", "-j", "DROP"]);
            return outcome;
        }
    }

    private static string WithoutCounters(string save) => string.Join('\n', save.Split('\n')
        .Where(l => !l.StartsWith('#'))
        .Select(l => l.StartsWith(':') ? l[..l.LastIndexOf(' ')] : l));
}
