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
}
