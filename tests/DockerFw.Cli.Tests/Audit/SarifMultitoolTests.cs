using System.Text.Json;
using DockerFw.Core.Audit;
using DockerFw.Tests;

namespace DockerFw.Cli.Tests.Audit;

/// <summary>
/// The SARIF logs as GitHub code scanning will take them: validated by Microsoft's SARIF multitool
/// with its SARIF and GitHub ingestion rules (.ci/run installs it, DOCKERFW_SARIF_MULTITOOL names
/// it), and carrying what code scanning shows: one place per alert with the other rules as related
/// locations, one analysis per host, each rule's help page.
/// </summary>
public sealed class SarifMultitoolTests
{
    // Only one rule of the multitool is left unmet on purpose: informationUri, a web page about the
    // tool, which dockerfw does not have (the docs ship with it).
    private static readonly HashSet<string> Accepted = ["SARIF2005"];

    public static TheoryData<string, string[]> Logs() => new()
    {
        { "sample host", [.. LabHost.Inputs] },
        { "isolation gone", ["--iptables", Corpus.PathOf("docker", "docker20.10-sim-isolation-jump-missing.iptables-save")] },
        { "sample host and a policy", [.. LabHost.Inputs, "--policy", Path.Combine(Corpus.RepoRoot, "rules", "icc-off-backend.policy")] },
    };

    [MultitoolTheory]
    [MemberData(nameof(Logs))]
    public void The_log_passes_the_multitool_with_githubs_ingestion_rules(string host, string[] inputs)
    {
        var folder = Directory.CreateTempSubdirectory("dfw-sarif-").FullName;
        try
        {
            var log = Path.Combine(folder, "audit.sarif");
            var run = LabHost.Run(["audit", .. inputs, "--format", "sarif", "--fail-on", "never", "--output", log]);
            Assert.True(run.ExitCode == 0, $"{host}: {run}");

            var problems = Validate(log, Path.Combine(folder, "validation.sarif"));

            Assert.True(problems.Count == 0, $"{host}: the multitool says\n{string.Join('\n', problems)}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void An_alert_is_placed_at_its_first_evidence_rule_and_links_the_others()
    {
        var log = Log(LabHost.Run(["audit", "--iptables", Corpus.PathOf("docker", "docker20.10-sim-isolation-jump-missing.iptables-save"), "--format", "sarif"]).Out);

        // docker0 -> bridge1 is opened by two rules: the first is the alert's place, the second related.
        var result = log.GetProperty("results").EnumerateArray().First(r => r.TryGetProperty("relatedLocations", out _));
        var ruleOf = (JsonElement l) => l.GetProperty("message").GetProperty("text").GetString();
        Assert.Single(result.GetProperty("locations").EnumerateArray());
        Assert.Equal(1, result.GetProperty("relatedLocations").GetArrayLength());
        Assert.NotEqual(ruleOf(result.GetProperty("locations")[0]), ruleOf(result.GetProperty("relatedLocations")[0]));
    }

    [Fact]
    public void Each_host_is_its_own_analysis_and_each_rule_carries_its_help_page()
    {
        var sample = Log(LabHost.Audit("--format", "sarif").Out);
        var other = Log(LabHost.Run(["audit", "--iptables", Corpus.PathOf("docker", "docker20.10-sim-isolation-jump-missing.iptables-save"), "--format", "sarif"]).Out);

        var id = sample.GetProperty("automationDetails").GetProperty("id").GetString()!;
        Assert.StartsWith("dockerfw-audit/", id, StringComparison.Ordinal);
        Assert.EndsWith("/", id, StringComparison.Ordinal);
        Assert.NotEqual(id, other.GetProperty("automationDetails").GetProperty("id").GetString());
        foreach (var rule in sample.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray())
        {
            var code = rule.GetProperty("id").GetString()!;
            Assert.Equal(File.ReadAllText(Path.Combine(Corpus.RepoRoot, "docs", "findings", code + ".md")), rule.GetProperty("help").GetProperty("markdown").GetString());
            Assert.Contains(rule.GetProperty("properties").GetProperty("precision").GetString(), new[] { "very-high", "high" });
        }
    }

    private static JsonElement Log(string sarif) => JsonDocument.Parse(sarif).RootElement.GetProperty("runs")[0];

    /// <summary>The multitool's results on a log, but those accepted on purpose, as lines.</summary>
    internal static List<string> Validate(string log, string output)
    {
        var run = Processes.Run(MultitoolTheoryAttribute.Tool!, ["validate", "--rule-kind", "Gh;Sarif", "--output", output, log], TimeSpan.FromMinutes(2));
        Assert.False(run.TimedOut, "the multitool did not finish in 2 minutes");
        Assert.True(run.Ok && File.Exists(output), $"the multitool failed ({run.ExitCode}):\n{run.Out}\n{run.Error}");

        var results = JsonDocument.Parse(File.ReadAllText(output)).RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray();
        return [.. results
            .Where(r => !Accepted.Contains(r.GetProperty("ruleId").GetString()!))
            .Select(r => $"{r.GetProperty("ruleId").GetString()} {(r.TryGetProperty("level", out var l) ? l.GetString() : "warning")}: " +
                string.Join(" | ", r.GetProperty("message").TryGetProperty("arguments", out var a) ? a.EnumerateArray().Select(x => x.GetString()) : []))];
    }
}

/// <summary>A theory that needs the SARIF multitool; skipped with the reason where it is not installed (CI installs it).</summary>
internal sealed class MultitoolTheoryAttribute : TheoryAttribute
{
    public const string Variable = "DOCKERFW_SARIF_MULTITOOL";

    public MultitoolTheoryAttribute()
    {
        if (Tool is null) Skip = $"SKIPPED: needs the SARIF multitool ({Variable}=PATH; .ci/run installs it)";
    }

    public static string? Tool => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } path && File.Exists(path) ? path : null;
}
