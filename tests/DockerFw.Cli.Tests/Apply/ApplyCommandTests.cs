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
        Assert.NotEqual(TestNamespace.WithoutCounters(before), TestNamespace.WithoutCounters(afterFirst));
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("no change", second.Out, StringComparison.Ordinal);
        Assert.Equal(TestNamespace.WithoutCounters(afterFirst), TestNamespace.WithoutCounters(Save()));
        Assert.Single(Directory.GetFiles(backups, "iptables-*.save"));
    }

    [RootFact]
    public void Input_ending_before_the_confirmation_undoes_the_apply_exactly_and_says_so()
    {
        var before = Save();

        var run = Dockerfw.Run(["apply", "--policy", Policy, "--netns", netns.Name, "--yes", "--confirm-timeout", "1", "--backup-dir", backups, .. Docker], stdin: "");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("standard input ended before the confirmation", run.Error, StringComparison.Ordinal);
        Assert.Equal(TestNamespace.WithoutCounters(before), TestNamespace.WithoutCounters(Save()));
    }

    [RootFact]
    public void A_read_back_that_differs_from_the_plan_restores_the_previous_rules_exactly()
    {
        var before = Save();

        var run = Dockerfw.Run(
            ["apply", "--policy", Policy, "--netns", netns.Name, "--yes", "--backup-dir", backups, .. Docker],
            stdin: "",
            services => services.AddSingleton<IHostCommandRunner>(new TamperingRunner(netns.Name, "iptables-restore", "iptables")));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("the rules read back differ from the plan in chain(s) DOCKERFW-POLICY; dockerfw's changes to the rules were undone: DOCKERFW-POLICY and its jump are as in", run.Error, StringComparison.Ordinal);
        Assert.Equal(TestNamespace.WithoutCounters(before), TestNamespace.WithoutCounters(Save()));
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
        Assert.Equal(TestNamespace.WithoutCounters(before), TestNamespace.WithoutCounters(Save()));
    }

    [RootFact]
    public void Remove_takes_dockerfws_chain_and_jump_away_and_leaves_the_host_as_before_the_apply()
    {
        var before = Save();
        Assert.True(Apply("--yes").ExitCode == 0);

        var removed = Dockerfw.Run(["apply", "--remove", "--netns", netns.Name, "--yes", "--backup-dir", backups, .. Docker]);
        var again = Dockerfw.Run(["apply", "--remove", "--netns", netns.Name, "--yes", "--backup-dir", backups, .. Docker]);

        Assert.True(removed.ExitCode == 0, removed.ToString());
        Assert.Contains("applied and verified", removed.Error, StringComparison.Ordinal);
        Assert.Equal(TestNamespace.WithoutCounters(before), TestNamespace.WithoutCounters(Save()));
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("no rules of dockerfw's to remove", again.Out, StringComparison.Ordinal);
    }

    [RootFact]
    public void An_unconfirmed_remove_puts_the_chain_and_its_jump_back()
    {
        Assert.True(Apply("--yes").ExitCode == 0);
        var applied = Save();

        var run = Dockerfw.Run(["apply", "--remove", "--netns", netns.Name, "--yes", "--confirm-timeout", "1", "--backup-dir", backups, .. Docker], stdin: "");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(TestNamespace.WithoutCounters(applied), TestNamespace.WithoutCounters(Save()));
    }

    [RootFact]
    public void Remove_asks_with_the_diff_of_what_goes()
    {
        Assert.True(Apply("--yes").ExitCode == 0);

        var run = Dockerfw.Run(["apply", "--remove", "--netns", netns.Name, "--backup-dir", backups, .. Docker], stdin: "n\n");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("-:DOCKERFW-POLICY - [0:0]", run.Out, StringComparison.Ordinal);
        Assert.Contains("--A DOCKER-USER -j DOCKERFW-POLICY", run.Out, StringComparison.Ordinal);
        Assert.Contains("-A DOCKER-USER -j DOCKERFW-POLICY", Save(), StringComparison.Ordinal);
    }

    [RootFact]
    public void Another_policy_over_an_earlier_one_says_it_replaces_it_and_asks()
    {
        Assert.True(Apply("--yes").ExitCode == 0);
        var other = Path.Combine(backups, "other.policy");
        File.WriteAllText(other, "network backend {\n  icc off;\n}\n");

        var run = Dockerfw.Run(["apply", "--policy", other, "--netns", netns.Name, "--backup-dir", backups, .. Docker], stdin: "n\n");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("This plan replaces the policy applied earlier: DOCKERFW-POLICY has", run.Out, StringComparison.Ordinal);
        Assert.Contains("Apply this plan? [y/N]", run.Out, StringComparison.Ordinal);
        Assert.Contains("nothing applied", run.Out, StringComparison.Ordinal);
    }

    [RootFact]
    public void Policy_and_remove_together_are_a_usage_error()
    {
        var run = Dockerfw.Run(["apply", "--policy", Policy, "--remove", "--netns", netns.Name, "--backup-dir", backups, .. Docker]);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("give either --policy FILE or --remove", run.Error, StringComparison.Ordinal);
    }

    private static string Policy => Path.Combine(Corpus.RepoRoot, "rules", "icc-off-backend.policy");

    private static string[] Docker =>
        ["--docker", Path.Combine(LabHost, "docker-networks.json"), "--docker", Path.Combine(LabHost, "docker-containers.json")];

    private CliRun Apply(params string[] extra) =>
        Dockerfw.Run(["apply", "--policy", Policy, "--netns", netns.Name, "--backup-dir", backups, .. Docker, .. extra]);

    private string Save() => netns.Exec("iptables-save");
}
