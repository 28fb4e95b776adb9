using DockerFw.Cli.Tests.Support;
using DockerFw.Tests;

namespace DockerFw.Cli.Tests.Apply;

/// <summary>
/// `dockerfw plan` and `apply` on oracle seed 5121's host (Docker 20.10 after firewalld's reload: FORWARD's
/// jump to DOCKER-USER is rule 13 of 14, behind n0's icc ACCEPT, DFW603), with its Docker JSON standing
/// in for the Engine; apply runs in a network namespace loaded with that host's rules. The plan moves
/// the jump first and says why; an unconfirmed apply puts FORWARD back as it was, keeping a rule
/// Docker wrote during the wait.
/// </summary>
public sealed class ForwardJumpApplyTests : IDisposable
{
    private static readonly string Host = Path.Combine(Corpus.RepoRoot, "tests", "DockerFw.Core.Tests", "Remediation", "Fixtures", "seed-5121-jump-last");

    private const string Moved =
        "FORWARD's jump to DOCKER-USER moved first (DFW603: FORWARD decides traffic before its jump to DOCKER-USER (rule 13 of 14), and no rule in DOCKER-USER sees that traffic)";

    private readonly TestNamespace netns = new();

    private readonly string backups = Directory.CreateTempSubdirectory("dfw-jump-").FullName;

    public ForwardJumpApplyTests() => netns.Restore(File.ReadAllText(Path.Combine(Host, "iptables-save")));

    public void Dispose()
    {
        netns.Dispose();
        Directory.Delete(backups, recursive: true);
    }

    [Fact]
    public void Plan_prints_the_move_with_its_reason_in_the_restore_input_and_the_diff()
    {
        var run = Dockerfw.Run(["plan", "--policy", Policy, "--iptables", Path.Combine(Host, "iptables-save"), .. Docker]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith($"*filter\n:DOCKERFW-POLICY - [0:0]\n# {Moved}\n-D FORWARD -j DOCKER-USER\n-I FORWARD 1 -j DOCKER-USER\n-I DOCKER-USER 1 -j DOCKERFW-POLICY\n", run.Out, StringComparison.Ordinal);
        Assert.Contains("\n+-A FORWARD -j DOCKER-USER\n -A FORWARD -j DOCKER-ISOLATION-STAGE-1\n", run.Out, StringComparison.Ordinal);
        Assert.Contains("\n--A FORWARD -j DOCKER-USER\n -A FORWARD -i docker0 -o docker0 -j DROP\n", run.Out, StringComparison.Ordinal);
    }

    [RootFact]
    public void Apply_says_it_moves_the_jump_puts_it_first_and_a_second_apply_changes_nothing()
    {
        var first = Dockerfw.Run(["apply", "--policy", Policy, "--netns", netns.Name, "--backup-dir", backups, .. Docker], stdin: "y\n");
        var forward = Forward();
        var second = Dockerfw.Run(["apply", "--policy", Policy, "--netns", netns.Name, "--backup-dir", backups, "--yes", .. Docker]);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("This plan also moves FORWARD's jump to DOCKER-USER first (DFW603: FORWARD decides traffic before its jump to DOCKER-USER (rule 13 of 14), and no rule in DOCKER-USER sees that traffic).\n", first.Out, StringComparison.Ordinal);
        Assert.Equal("-A FORWARD -j DOCKER-USER", forward[0]);
        Assert.Single(forward, "-A FORWARD -j DOCKER-USER");
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("no change", second.Out, StringComparison.Ordinal);
    }

    [RootFact]
    public void An_unconfirmed_apply_puts_the_jump_back_after_the_rule_it_followed_and_keeps_dockers_new_rules()
    {
        var before = Forward();
        // What Docker 20.10 writes for a network created during the wait: its rules inserted first.
        string[] dockers = ["-I", "FORWARD", "-o", "br-0123456789ab", "-j", "DOCKER"];

        var run = Dockerfw.Run(["apply", "--policy", Policy, "--netns", netns.Name, "--yes", "--confirm-timeout", "60", "--backup-dir", backups, .. Docker],
            new ActingReader(() => netns.Exec(["iptables", .. dockers])));
        var after = Forward();

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("dockerfw's changes to the rules were undone: DOCKERFW-POLICY and its jump (and FORWARD's jump to DOCKER-USER, back after the rule it followed)", run.Error, StringComparison.Ordinal);
        Assert.Equal(["-A FORWARD -o br-0123456789ab -j DOCKER", .. before], after);
        Assert.DoesNotContain("DOCKERFW-POLICY", netns.Exec("iptables-save"), StringComparison.Ordinal);
    }

    [RootFact]
    public void Remove_takes_dockerfws_chain_away_and_leaves_the_jump_first_where_docker_puts_it()
    {
        Assert.True(Dockerfw.Run(["apply", "--policy", Policy, "--netns", netns.Name, "--backup-dir", backups, "--yes", .. Docker]).ExitCode == 0);

        var removed = Dockerfw.Run(["apply", "--remove", "--netns", netns.Name, "--backup-dir", backups, "--yes", .. Docker]);

        Assert.True(removed.ExitCode == 0, removed.ToString());
        Assert.Equal("-A FORWARD -j DOCKER-USER", Forward()[0]);
        Assert.DoesNotContain("DOCKERFW-POLICY", netns.Exec("iptables-save"), StringComparison.Ordinal);
    }

    private static string Policy => Path.Combine(Host, "oracle.policy");

    private static string[] Docker =>
        ["--docker", Path.Combine(Host, "docker-networks.json"), "--docker", Path.Combine(Host, "docker-containers.json")];

    private List<string> Forward() => [.. netns.Exec("iptables", "-S", "FORWARD").Split('\n').Where(l => l.StartsWith("-A FORWARD", StringComparison.Ordinal))];
}
