using System.Xml.Linq;
using DockerFw.Cli.Tests.Support;
using DockerFw.Tests;

namespace DockerFw.Cli.Tests.Audit;

/// <summary>The formats CI systems render: Markdown for step summaries and comments, JUnit for test reports, and --fail-on never.</summary>
public sealed class AuditCiFormatTests
{
    private static readonly string Open = File.ReadAllText(Corpus.PathOf("docker", "docker20.10-sim-isolation-jump-missing.iptables-save"));

    private static CliRun Audit(params string[] options) =>
        LabHost.Run(["audit", "--iptables", "-", "--sysctl", "net.bridge.bridge-nf-call-iptables=1", .. options], stdin: Open);

    [Fact]
    public void JUnit_has_a_suite_per_check_and_a_failing_case_per_network_a_finding_concerns()
    {
        var run = Audit("--format", "junit");

        Assert.True(run.ExitCode == 1, run.ToString());
        var root = XDocument.Parse(run.Out).Root!;
        var isolation = root.Elements("testsuite").Single(s => (string?)s.Attribute("name") == "isolation");
        var failing = isolation.Elements("testcase").Where(c => c.Element("failure") is not null).ToList();
        Assert.NotEmpty(failing);
        Assert.All(failing, c => Assert.Contains("DFW201", (string?)c.Element("failure")!.Attribute("type")));
        Assert.Equal((int)root.Attribute("failures")!, root.Elements("testsuite").Sum(s => (int)s.Attribute("failures")!));
    }

    [Fact]
    public void JUnit_keeps_findings_below_fail_on_as_output_not_failures()
    {
        var high = XDocument.Parse(Audit("--format", "junit").Out).Root!;
        var info = XDocument.Parse(Audit("--format", "junit", "--fail-on", "info").Out).Root!;

        Assert.True((int)info.Attribute("failures")! > (int)high.Attribute("failures")!);
        Assert.NotEmpty(high.Descendants("system-out"));
    }

    [Fact]
    public void Fail_on_never_exits_0_whatever_is_found()
    {
        var run = Audit("--fail-on", "never", "--format", "markdown");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Fails on nothing (`--fail-on never`)", run.Out);
        Assert.Contains("**HIGH DFW201**", run.Out);
    }

    [Fact]
    public void Markdown_makes_text_from_the_inputs_inert()
    {
        const string json = """[{"Name": "a|b<script>`x`", "Id": "n1", "Driver": "overlay", "IPAM": {"Config": []}}]""";

        var run = LabHost.Run(["audit", "--iptables", LabHost.PathOf("iptables-save"), "--docker", "-", "--format", "markdown"], stdin: json);

        Assert.Contains("a\\|b&lt;script&gt;\\`x\\`", run.Out);
        Assert.DoesNotContain("<script>", run.Out);
    }
}
