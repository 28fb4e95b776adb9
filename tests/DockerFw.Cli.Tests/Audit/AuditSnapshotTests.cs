using DockerFw.Tests;

namespace DockerFw.Cli.Tests.Audit;

/// <summary>The whole pipeline on the bundled sample host, one approved output per format.</summary>
public sealed class AuditSnapshotTests
{
    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    [InlineData("sarif")]
    [InlineData("markdown")]
    [InlineData("junit")]
    [InlineData("html")]
    public void The_lab_host_audit_matches_its_approved_output(string format)
    {
        var run = LabHost.Audit("--format", format);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("", run.Error);
        Snapshots.Verify(LabHost.WithoutVersion(run.Out), $"lab-host.audit.{format}");
    }

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    public void The_lab_host_container_matrix_matches_its_approved_output(string format)
    {
        // web and api share frontend (icc on): they connect; backend has icc off and the networks are isolated.
        var run = LabHost.Audit("--containers", "--format", format);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("", run.Error);
        Snapshots.Verify(LabHost.WithoutVersion(run.Out), $"lab-host.containers.audit.{format}");
    }

    [Fact]
    public void A_host_whose_isolation_is_gone_shows_the_open_matrix_and_high_findings()
    {
        // Docker's FORWARD jump to DOCKER-ISOLATION-STAGE-1 is missing: every network reaches every other.
        var dump = File.ReadAllText(Corpus.PathOf("docker", "docker20.10-sim-isolation-jump-missing.iptables-save"));

        var run = LabHost.Run(["audit", "--iptables", "-", "--sysctl", "net.bridge.bridge-nf-call-iptables=1"], stdin: dump);

        Assert.True(run.ExitCode == 1, run.ToString());
        Snapshots.Verify(LabHost.WithoutVersion(run.Out), "isolation-jump-missing.audit.text");
    }

    [Fact]
    public void The_inferred_lab_host_audit_matches_its_approved_output()
    {
        var run = LabHost.Run(["audit", "--iptables", LabHost.PathOf("iptables-save")]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Snapshots.Verify(LabHost.WithoutVersion(run.Out), "lab-host.inferred.audit.text");
    }
}
