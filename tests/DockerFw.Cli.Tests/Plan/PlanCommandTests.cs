using DockerFw.Cli.Tests.Support;
using DockerFw.Tests;

namespace DockerFw.Cli.Tests.Plan;

/// <summary>`dockerfw plan` over samples/lab-host with its Docker JSON.</summary>
public sealed class PlanCommandTests
{
    private static readonly string LabHost = Path.Combine(Corpus.RepoRoot, "samples", "lab-host");

    private static readonly string[] Inputs =
    [
        "--iptables", Path.Combine(LabHost, "iptables-save"),
        "--docker", Path.Combine(LabHost, "docker-networks.json"),
        "--docker", Path.Combine(LabHost, "docker-containers.json"),
    ];

    [Fact]
    public void A_policy_prints_the_restore_input_then_the_diff()
    {
        var run = Dockerfw.Run(["plan", "--policy", Path.Combine(Corpus.RepoRoot, "rules", "icc-off-backend.policy"), .. Inputs]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("*filter\n:DOCKERFW-POLICY - [0:0]\n-I DOCKER-USER 1 -j DOCKERFW-POLICY\n", run.Out, StringComparison.Ordinal);
        Assert.Contains("\n--- a/iptables-save\n+++ b/iptables-save\n", run.Out, StringComparison.Ordinal);
        Assert.Equal("", run.Error);
    }

    [Fact]
    public void A_name_that_does_not_resolve_exits_2_with_its_position()
    {
        var policy = Path.Combine(Directory.CreateTempSubdirectory("dfw-plan-").FullName, "bad.policy");
        File.WriteAllText(policy, "network backend {\n  allow web -> db\n}\n");

        var run = Dockerfw.Run(["plan", "--policy", policy, .. Inputs]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"{policy}:2:9: error: expected a container on network 'backend' (api, db), but got 'web' [DFW803]\n", run.Error);
        Assert.Equal("", run.Out);
        Directory.Delete(Path.GetDirectoryName(policy)!, recursive: true);
    }
}
