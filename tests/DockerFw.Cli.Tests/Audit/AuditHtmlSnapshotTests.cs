using System.Text;
using DockerFw.Tests;

namespace DockerFw.Cli.Tests.Audit;

/// <summary>
/// The HTML report's sections that the lab host's plain audit leaves empty (open pairs and their
/// flows, findings with evidence, the container matrix, what a policy intends, the grouped form of a
/// large matrix), each in an approved output: the page's bytes are its specification.
/// </summary>
public sealed class AuditHtmlSnapshotTests
{
    [Theory]
    [InlineData("containers")]
    [InlineData("icc-hole")]
    [InlineData("isolation-jump-missing")]
    [InlineData("intended")]
    [InlineData("grouped")]
    public void The_html_report_matches_its_approved_output(string audit)
    {
        var run = Run(audit);

        Assert.True(run.ExitCode is 0 or 1, run.ToString());
        Assert.Equal("", run.Error);
        // The policy's path is the checkout's: the approved page holds it from the repository's root.
        Snapshots.Verify(LabHost.WithoutVersion(run.Out).Replace(Corpus.RepoRoot.TrimEnd('/') + "/", "", StringComparison.Ordinal), $"{audit}.audit.html");
    }

    private static Support.CliRun Run(string audit) => audit switch
    {
        "containers" => LabHost.Audit("--containers", "--format", "html"),
        "icc-hole" => LabHost.Run(
            ["audit", "--iptables", "-", "--docker", LabHost.PathOf("docker-networks.json"), "--format", "html",
             "--sysctl", "net.bridge.bridge-nf-call-iptables=1", "--sysctl", "net.ipv4.ip_forward=0"],
            stdin: File.ReadAllText(LabHost.PathOf("iptables-save")).Replace(
                "-A FORWARD -j DOCKER-USER\n", "-A FORWARD -i br-9c93ba76092b -o br-9c93ba76092b -j ACCEPT\n-A FORWARD -j DOCKER-USER\n")),
        "isolation-jump-missing" => LabHost.Run(
            ["audit", "--iptables", "-", "--sysctl", "net.bridge.bridge-nf-call-iptables=1", "--format", "html"],
            stdin: File.ReadAllText(Corpus.PathOf("docker", "docker20.10-sim-isolation-jump-missing.iptables-save"))),
        "intended" => LabHost.Run(
            ["audit", "--iptables", "-", "--docker", LabHost.PathOf("docker-networks.json"), "--docker", LabHost.PathOf("docker-containers.json"),
             "--policy", Path.Combine(Corpus.RepoRoot, "rules", "isolated-networks.policy"), "--format", "html"],
            stdin: AuditPolicyTests.PlannedRules(Path.Combine(Corpus.RepoRoot, "rules", "isolated-networks.policy"))),
        "grouped" => LabHost.Run(["audit", "--iptables", "-", "--sysctl", "net.bridge.bridge-nf-call-iptables=1", "--format", "html"],
            stdin: Bridges(Output.ReportWords.GridLimit + 2)),
        _ => throw new ArgumentException(audit),
    };

    /// <summary>Docker's rules for N isolated bridges, and a DOCKER-USER rule that opens the first to the second.</summary>
    private static string Bridges(int count)
    {
        var filter = new StringBuilder("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n:DOCKER - [0:0]\n" +
            ":DOCKER-ISOLATION-STAGE-1 - [0:0]\n:DOCKER-ISOLATION-STAGE-2 - [0:0]\n:DOCKER-USER - [0:0]\n" +
            "-A FORWARD -j DOCKER-USER\n-A FORWARD -j DOCKER-ISOLATION-STAGE-1\n");
        var stage1 = new StringBuilder();
        var stage2 = new StringBuilder();
        var nat = new StringBuilder("*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n:DOCKER - [0:0]\n");
        for (var i = 0; i < count; i++)
        {
            var bridge = $"br-{i:x12}";
            filter.Append($"-A FORWARD -o {bridge} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n-A FORWARD -o {bridge} -j DOCKER\n")
                .Append($"-A FORWARD -i {bridge} ! -o {bridge} -j ACCEPT\n-A FORWARD -i {bridge} -o {bridge} -j ACCEPT\n");
            stage1.Append($"-A DOCKER-ISOLATION-STAGE-1 -i {bridge} ! -o {bridge} -j DOCKER-ISOLATION-STAGE-2\n");
            stage2.Append($"-A DOCKER-ISOLATION-STAGE-2 -o {bridge} -j DROP\n");
            nat.Append($"-A POSTROUTING -s 172.{20 + i / 8}.{i % 8 * 32}.0/19 ! -o {bridge} -j MASQUERADE\n-A DOCKER -i {bridge} -j RETURN\n");
        }

        return filter.Append(stage1).Append("-A DOCKER-ISOLATION-STAGE-1 -j RETURN\n").Append(stage2)
            .Append("-A DOCKER-ISOLATION-STAGE-2 -j RETURN\n")
            .Append($"-A DOCKER-USER -i br-{0:x12} -o br-{1:x12} -j ACCEPT\n-A DOCKER-USER -j RETURN\nCOMMIT\n")
            .Append(nat).Append("COMMIT\n").ToString();
    }
}
