using System.Text.Json;
using DockerFw.Cli.Tests.Support;
using DockerFw.Tests;

namespace DockerFw.Cli.Tests.Audit;

public sealed class AuditCommandTests
{
    [Fact]
    public void The_lab_host_has_only_info_findings_so_the_default_fail_on_high_exits_0()
    {
        var run = LabHost.Audit("--format", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var severities = Findings(run).Select(f => f.GetProperty("severity").GetString()).Distinct();
        Assert.Equal(["info"], severities);
    }

    [Theory]
    [InlineData("info", 1)]
    [InlineData("low", 0)]
    [InlineData("medium", 0)]
    [InlineData("high", 0)]
    public void Fail_on_exits_1_exactly_when_a_finding_reaches_the_given_severity(string failOn, int exit)
    {
        var run = LabHost.Audit("--fail-on", failOn, "--format", "json");

        Assert.True(run.ExitCode == exit, run.ToString());
        Assert.NotEmpty(Findings(run));
    }

    [Fact]
    public void A_high_finding_fails_the_default_audit()
    {
        // The sample's backend declares icc=false; a FORWARD rule accepting backend-to-backend traffic
        // before Docker's DROP makes that a lie (DFW301, high).
        var dump = File.ReadAllText(LabHost.PathOf("iptables-save")).Replace(
            "-A FORWARD -j DOCKER-USER\n",
            "-A FORWARD -i br-9c93ba76092b -o br-9c93ba76092b -j ACCEPT\n-A FORWARD -j DOCKER-USER\n");

        var run = LabHost.Run(["audit", "--iptables", "-", "--docker", LabHost.PathOf("docker-networks.json"),
            "--sysctl", "net.bridge.bridge-nf-call-iptables=1", "--format", "json"], stdin: dump);

        Assert.True(run.ExitCode == 1, run.ToString());
        var icc = Assert.Single(Findings(run), f => f.GetProperty("code").GetString() == "DFW301");
        Assert.Equal("high", icc.GetProperty("severity").GetString());
        Assert.Equal(["backend"], icc.GetProperty("networks").EnumerateArray().Select(n => n.GetString()));
    }

    [Fact]
    public void Sysctl_settings_reach_the_audit_and_the_report()
    {
        var without = LabHost.Audit("--format", "json");
        var with = LabHost.Audit("--format", "json", "--sysctl", "net.bridge.bridge-nf-call-iptables=1");

        Assert.Contains(Findings(without), f => f.GetProperty("code").GetString() == "DFW303");
        Assert.DoesNotContain(Findings(with), f => f.GetProperty("code").GetString() == "DFW303");
        var sysctls = JsonDocument.Parse(with.Out).RootElement.GetProperty("sysctls");
        Assert.Equal("1", sysctls.GetProperty("net.bridge.bridge-nf-call-iptables").GetString());
    }

    [Fact]
    public void Without_docker_files_the_view_is_inferred_and_the_report_says_so()
    {
        var run = LabHost.Run(["audit", "--iptables", LabHost.PathOf("iptables-save"), "--format", "json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var root = JsonDocument.Parse(run.Out).RootElement;
        Assert.True(root.GetProperty("inferred").GetBoolean());
        Assert.Equal(["br-9c93ba76092b", "br-e727bbbf1ba4", "docker0"],
            root.GetProperty("networks").EnumerateArray().Select(n => n.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
        Assert.Contains(root.GetProperty("notices").EnumerateArray(), n => n.GetString()!.StartsWith("view inferred", StringComparison.Ordinal));
    }

    [Fact]
    public void Containers_without_networks_are_audited_on_the_networks_the_ruleset_shows_and_the_report_says_so()
    {
        var run = LabHost.Run(["audit", "--iptables", LabHost.PathOf("iptables-save"), "--docker", LabHost.PathOf("docker-containers.json"), "--format", "json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var root = JsonDocument.Parse(run.Out).RootElement;
        Assert.True(root.GetProperty("inferred").GetBoolean());
        Assert.Equal(3, root.GetProperty("networks").GetArrayLength());
        Assert.DoesNotContain(Findings(run), f => f.GetProperty("code").GetString() == "DFW404");
        var port = root.GetProperty("published_ports")[0];
        Assert.Equal("web", port.GetProperty("container").GetString());
        Assert.Equal("br-e727bbbf1ba4", port.GetProperty("network").GetString());
        Assert.StartsWith("the Docker JSON describes containers but no networks", root.GetProperty("notices")[0].GetString());
    }

    [Fact]
    public void Docker_json_that_does_not_parse_is_a_diagnostic_and_exit_2_without_a_report()
    {
        var bad = Path.Combine(Path.GetTempPath(), $"dfw-report-bad-{Guid.NewGuid():N}.json");
        File.WriteAllText(bad, "[\n  { \"Name\": \"bridge\",\n");
        try
        {
            var run = LabHost.Run(["audit", "--iptables", LabHost.PathOf("iptables-save"), "--docker", bad]);

            Assert.True(run.ExitCode == 2, run.ToString());
            Assert.Equal("", run.Out);
            Assert.StartsWith($"{bad}:3:1: error: expected the JSON of 'docker inspect' or 'docker network inspect'", run.Error);
            Assert.EndsWith("[DFW170]\n", run.Error);
            Assert.DoesNotContain("   at ", run.Error);
        }
        finally
        {
            File.Delete(bad);
        }
    }

    [Fact]
    public void A_docker_file_that_does_not_exist_is_one_error_line_and_exit_2()
    {
        var run = LabHost.Run(["audit", "--iptables", LabHost.PathOf("iptables-save"), "--docker", "/nonexistent/docker.json"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith("dockerfw: error: cannot read /nonexistent/docker.json: ", run.Error);
        Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void A_bad_dump_is_reported_with_its_diagnostics_and_exit_2()
    {
        var run = LabHost.Run(["audit", "--iptables", Corpus.PathOf("syntax", "missing-commit.invalid.iptables-save")]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal("", run.Out);
        Assert.Matches(@"missing-commit\.invalid\.iptables-save:\d+:\d+: error: .* \[DFW\d{3}\]", run.Error);
    }

    [Theory]
    [InlineData("--sysctl", "net.ipv4.ip_forward")]
    [InlineData("--sysctl", "=1")]
    [InlineData("--sysctl", "net.ipv4.ip_forward=banana")]
    [InlineData("--format", "xml")]
    [InlineData("--fail-on", "critical")]
    public void Bad_option_values_are_usage_errors(string option, string value)
    {
        var run = LabHost.Audit(option, value);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Equal("", run.Out);
        Assert.StartsWith("dockerfw: usage: ", run.Error);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    [InlineData("sarif")]
    public void Output_writes_the_report_to_the_file_and_nothing_to_stdout(string format)
    {
        var file = Path.Combine(Path.GetTempPath(), $"dfw-report-{Guid.NewGuid():N}.{format}");
        try
        {
            var toFile = LabHost.Audit("--format", format, "--output", file);
            var toStdout = LabHost.Audit("--format", format);

            Assert.True(toFile.ExitCode == 0, toFile.ToString());
            Assert.Equal("", toFile.Out);
            Assert.Equal(toStdout.Out, File.ReadAllText(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void An_output_file_that_cannot_be_written_is_exit_2()
    {
        var run = LabHost.Audit("--output", "/nonexistent/dir/report.txt");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith("dockerfw: error: cannot write /nonexistent/dir/report.txt: ", run.Error);
    }

    [Fact]
    public void An_output_path_that_is_a_symbolic_link_is_refused_and_its_target_left_alone()
    {
        var directory = Directory.CreateTempSubdirectory("dfw-output-").FullName;
        try
        {
            var target = Path.Combine(directory, "precious");
            File.WriteAllText(target, "keep me");
            var link = Path.Combine(directory, "report.txt");
            File.CreateSymbolicLink(link, target);

            var run = LabHost.Audit("--output", link);

            Assert.True(run.ExitCode == 2, run.ToString());
            Assert.Equal($"dockerfw: error: cannot write {link}: it is a symbolic link (to {target}), which dockerfw does not write through; remove it or name a plain file\n", run.Error);
            Assert.Equal("keep me", File.ReadAllText(target));
            Assert.Equal(["precious", "report.txt"], Directory.GetFileSystemEntries(directory).Select(Path.GetFileName).Order());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void An_existing_report_is_replaced_whole_and_no_temporary_file_is_left()
    {
        var directory = Directory.CreateTempSubdirectory("dfw-output-").FullName;
        try
        {
            var report = Path.Combine(directory, "report.json");
            File.WriteAllText(report, new string('x', 100_000));

            var run = LabHost.Audit("--format", "json", "--output", report);

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Equal(LabHost.Audit("--format", "json").Out, File.ReadAllText(report));
            Assert.Equal(["report.json"], Directory.GetFileSystemEntries(directory).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static List<JsonElement> Findings(CliRun run) =>
        [.. JsonDocument.Parse(run.Out).RootElement.GetProperty("findings").EnumerateArray()];
}
