using DockerFw.Cli.Tests.Support;
using DockerFw.Tests;

namespace DockerFw.Cli.Tests.Snapshot;

/// <summary>`dockerfw snapshot` over samples/lab-host and its approved snapshot in snapshots/.</summary>
public sealed class SnapshotCommandTests
{
    private static readonly string LabHost = Path.Combine(Corpus.RepoRoot, "samples", "lab-host");

    private static readonly string Approved = Path.Combine(Corpus.RepoRoot, "snapshots", "lab-host.verified.txt");

    private static string[] Inputs(string iptables) =>
    [
        "--iptables", iptables,
        "--docker", Path.Combine(LabHost, "docker-networks.json"),
        "--docker", Path.Combine(LabHost, "docker-containers.json"),
    ];

    [Fact]
    public void The_snapshot_of_the_lab_host_is_its_approved_file()
    {
        var run = Dockerfw.Run(["snapshot", .. Inputs(Path.Combine(LabHost, "iptables-save"))]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(File.ReadAllText(Approved), run.Out);
    }

    [Fact]
    public void Check_exits_0_when_the_host_matches()
    {
        var run = Dockerfw.Run(["snapshot", "--check", Approved, .. Inputs(Path.Combine(LabHost, "iptables-save"))]);

        Assert.True(run.ExitCode == 0, run.ToString());
    }

    [Fact]
    public void Check_exits_1_with_a_readable_diff_when_a_rule_was_tampered_with()
    {
        var folder = Directory.CreateTempSubdirectory("dfw-snap-").FullName;
        var tampered = Path.Combine(folder, "iptables-save");
        File.WriteAllText(tampered, File.ReadAllText(Path.Combine(LabHost, "iptables-save"))
            .Replace("-A DOCKER-USER -j RETURN", "-A DOCKER-USER -j ACCEPT", StringComparison.Ordinal));

        var run = Dockerfw.Run(["snapshot", "--check", Approved, .. Inputs(tampered)]);
        Directory.Delete(folder, recursive: true);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("\n--A DOCKER-USER -j RETURN\n", run.Out, StringComparison.Ordinal);
        Assert.Contains("\n+-A DOCKER-USER -j ACCEPT\n", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_moved_isolation_return_is_shown_as_the_traffic_it_lets_between_networks()
    {
        const string First = "-A DOCKER-ISOLATION-STAGE-2 -o br-9c93ba76092b -j DROP\n";
        var rules = File.ReadAllText(Path.Combine(LabHost, "iptables-save"))
            .Replace("-A DOCKER-ISOLATION-STAGE-2 -j RETURN\n", "", StringComparison.Ordinal)
            .Replace(First, "-A DOCKER-ISOLATION-STAGE-2 -j RETURN\n" + First, StringComparison.Ordinal);

        var run = Check(rules);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("dockerfw: the drift changes traffic (IPv4, approved rules vs now, judged with today's containers):\n", run.Out, StringComparison.Ordinal);
        Assert.Contains("\n  frontend -> backend: denied, now allowed\n", run.Out, StringComparison.Ordinal);
        Assert.Contains("\n  backend -> frontend: denied, now allowed\n", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_drift_of_text_alone_is_said_to_change_no_traffic()
    {
        var rules = File.ReadAllText(Path.Combine(LabHost, "iptables-save"))
            .Replace("-A DOCKER-USER -j RETURN", "-A DOCKER-USER -m comment --comment \"reviewed\" -j RETURN", StringComparison.Ordinal);

        var run = Check(rules);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--comment reviewed", run.Out, StringComparison.Ordinal);
        Assert.EndsWith("dockerfw: the drift changes no traffic between networks, no icc, masquerade or published port (IPv4, judged with today's containers)\n", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_drift_that_opens_a_published_port_to_everyone_says_so()
    {
        var rules = File.ReadAllText(Path.Combine(LabHost, "iptables-save"))
            .Replace("-A DOCKER-USER -j RETURN", "-A DOCKER-USER -p tcp -m tcp --dport 80 -j DROP\n-A DOCKER-USER -j RETURN", StringComparison.Ordinal);

        var run = Check(rules);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("\n  published tcp/8080 -> web:80: let in, now kept out\n", run.Out, StringComparison.Ordinal);
    }

    private static CliRun Check(string rules)
    {
        var folder = Directory.CreateTempSubdirectory("dfw-snap-").FullName;
        try
        {
            var file = Path.Combine(folder, "iptables-save");
            File.WriteAllText(file, rules);
            return Dockerfw.Run(["snapshot", "--check", Approved, .. Inputs(file)]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
