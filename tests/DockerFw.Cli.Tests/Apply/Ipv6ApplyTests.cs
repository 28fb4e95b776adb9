using DockerFw.Cli.Input;
using DockerFw.Cli.Tests.Support;
using DockerFw.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace DockerFw.Cli.Tests.Apply;

/// <summary>
/// `dockerfw apply` of a dual-stack policy in a namespace loaded with samples/lab-host's iptables and
/// ip6tables rules, the latter with DOCKER-USER first in FORWARD as Docker 27 and later write it.
/// </summary>
public sealed class Ipv6ApplyTests : IDisposable
{
    private static readonly string LabHost = Path.Combine(Corpus.RepoRoot, "samples", "lab-host");

    private readonly TestNamespace netns = new();

    private readonly string folder = Directory.CreateTempSubdirectory("dfw-apply6-").FullName;

    public Ipv6ApplyTests()
    {
        netns.Restore(File.ReadAllText(Path.Combine(LabHost, "iptables-save")));
        netns.Restore(File.ReadAllText(Path.Combine(LabHost, "ip6tables-save"))
            .Replace(":DOCKER-ISOLATION-STAGE-2 - [0:0]\n", ":DOCKER-ISOLATION-STAGE-2 - [0:0]\n:DOCKER-USER - [0:0]\n", StringComparison.Ordinal)
            .Replace("-A FORWARD -j DOCKER-ISOLATION-STAGE-1\n", "-A FORWARD -j DOCKER-USER\n-A FORWARD -j DOCKER-ISOLATION-STAGE-1\n", StringComparison.Ordinal)
            .Replace("-A DOCKER-ISOLATION-STAGE-2 -j RETURN\n", "-A DOCKER-ISOLATION-STAGE-2 -j RETURN\n-A DOCKER-USER -j RETURN\n", StringComparison.Ordinal),
            "ip6tables-restore");
        File.WriteAllText(Policy, "network frontend { icc off; allow api -> web tcp/80 }\n");
    }

    public void Dispose()
    {
        netns.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    private string Policy => Path.Combine(folder, "frontend.policy");

    private string Backups => Path.Combine(folder, "backups");

    [RootFact]
    public void Apply_installs_both_halves_and_a_second_apply_changes_nothing()
    {
        var first = Apply("--yes");
        var (v4, v6) = (Save("iptables-save"), Save("ip6tables-save"));
        var second = Apply("--yes");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("-A DOCKER-USER -j DOCKERFW-POLICY", v6, StringComparison.Ordinal);
        Assert.Contains("-A DOCKERFW-POLICY -s fd00:d0c:1::3/128 -d fd00:d0c:1::2/128 -i br-e727bbbf1ba4 -o br-e727bbbf1ba4 -p tcp -m tcp --dport 80 -j ACCEPT", v6, StringComparison.Ordinal);
        Assert.Contains("-A DOCKER-USER -j DOCKERFW-POLICY", v4, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("no change", second.Out, StringComparison.Ordinal);
        Assert.Equal(TestNamespace.WithoutCounters(v6), TestNamespace.WithoutCounters(Save("ip6tables-save")));
        Assert.Single(Directory.GetFiles(Backups, "ip6tables-*.save"));
        Assert.Single(Directory.GetFiles(Backups, "iptables-*.save"));
    }

    [RootFact]
    public void A_read_back_of_ip6tables_that_differs_from_the_plan_restores_both_families_exactly()
    {
        var (v4, v6) = (Save("iptables-save"), Save("ip6tables-save"));

        var run = Dockerfw.Run(
            ["apply", "--policy", Policy, "--netns", netns.Name, "--yes", "--backup-dir", Backups, .. Docker],
            stdin: "",
            services => services.AddSingleton<IHostCommandRunner>(new TamperingRunner(netns.Name, "ip6tables-restore", "ip6tables")));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("the rules read back differ from the plan in chain(s) of ip6tables DOCKERFW-POLICY; dockerfw's changes to the IPv6 rules were undone", run.Error, StringComparison.Ordinal);
        Assert.Equal(TestNamespace.WithoutCounters(v4), TestNamespace.WithoutCounters(Save("iptables-save")));
        Assert.Equal(TestNamespace.WithoutCounters(v6), TestNamespace.WithoutCounters(Save("ip6tables-save")));
    }

    [RootFact]
    public void No_confirmation_in_time_restores_both_families_exactly()
    {
        var (v4, v6) = (Save("iptables-save"), Save("ip6tables-save"));

        var run = Dockerfw.Run(["apply", "--policy", Policy, "--netns", netns.Name, "--yes", "--confirm-timeout", "1", "--backup-dir", Backups, .. Docker], stdin: "");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(TestNamespace.WithoutCounters(v4), TestNamespace.WithoutCounters(Save("iptables-save")));
        Assert.Equal(TestNamespace.WithoutCounters(v6), TestNamespace.WithoutCounters(Save("ip6tables-save")));
    }

    private static string[] Docker =>
        ["--docker", Path.Combine(LabHost, "docker-networks.json"), "--docker", Path.Combine(LabHost, "docker-containers.json")];

    private CliRun Apply(params string[] extra) =>
        Dockerfw.Run(["apply", "--policy", Policy, "--netns", netns.Name, "--backup-dir", Backups, .. Docker, .. extra]);

    private string Save(string tool) => netns.Exec(tool);
}
