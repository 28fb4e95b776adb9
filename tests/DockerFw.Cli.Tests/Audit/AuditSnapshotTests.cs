using DockerFw.Tests;

namespace DockerFw.Cli.Tests.Audit;

/// <summary>The whole pipeline on the bundled sample host, one approved output per format.</summary>
public sealed class AuditSnapshotTests
{
    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    [InlineData("sarif")]
    public void The_lab_host_audit_matches_its_approved_output(string format)
    {
        var run = LabHost.Audit("--format", format);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("", run.Error);
        Snapshots.Verify(LabHost.WithoutVersion(run.Out), $"lab-host.audit.{format}");
    }

    [Fact]
    public void The_inferred_lab_host_audit_matches_its_approved_output()
    {
        var run = LabHost.Run(["audit", "--iptables", LabHost.PathOf("iptables-save")]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Snapshots.Verify(LabHost.WithoutVersion(run.Out), "lab-host.inferred.audit.text");
    }
}
