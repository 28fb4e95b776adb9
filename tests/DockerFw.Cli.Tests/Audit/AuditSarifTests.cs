using System.Text.Json;
using DockerFw.Core.Audit;
using DockerFw.Tests;

namespace DockerFw.Cli.Tests.Audit;

/// <summary>
/// `--format sarif` is a SARIF 2.1.0 log that code scanning accepts: the properties GitHub requires,
/// one rule per finding code, and locations that point at the very dump lines of the evidence.
/// </summary>
public sealed class AuditSarifTests
{
    public static TheoryData<string> Dumps()
    {
        var data = new TheoryData<string>();
        foreach (var file in Corpus.Files("docker", "*.iptables-save").Where(f => f.Contains("-sim-", StringComparison.Ordinal) || f.Contains("links", StringComparison.Ordinal)))
            data.Add(Path.GetFileName(file));
        return data;
    }

    [Fact]
    public void The_lab_host_log_has_the_required_sarif_properties_and_relative_uris()
    {
        var run = LabHost.Audit("--format", "sarif");

        Assert.True(run.ExitCode == 0, run.ToString());
        var results = CheckLog(run.Out, Corpus.RepoRoot);
        Assert.NotEmpty(results);
        Assert.All(results.SelectMany(r => r.GetProperty("locations").EnumerateArray()),
            l => Assert.StartsWith("samples/lab-host/", Uri(l)));
    }

    [Fact]
    public void Policy_findings_are_results_located_at_their_evidence_or_at_the_dump()
    {
        var run = LabHost.Audit("--policy", Path.Combine(Corpus.RepoRoot, "rules", "icc-off-backend.policy"), "--format", "sarif");

        Assert.True(run.ExitCode == 1, run.ToString());
        var results = CheckLog(run.Out, Corpus.RepoRoot);
        Assert.Equal(["DFW901", "DFW903"], results.Select(r => r.GetProperty("ruleId").GetString()).Where(id => id!.StartsWith("DFW9", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Dumps))]
    public void Every_result_is_located_at_the_dump_lines_of_its_evidence(string dump)
    {
        var run = LabHost.Run(["audit", "--iptables", Corpus.PathOf("docker", dump), "--format", "sarif"]);

        Assert.True(run.ExitCode is 0 or 1, run.ToString());
        CheckLog(run.Out, Corpus.RepoRoot);
    }

    [Fact]
    public void Levels_follow_severity_and_high_and_medium_rules_carry_a_security_severity()
    {
        var rules = Rules(LabHost.Audit("--format", "sarif").Out);

        foreach (var code in FindingCodes.All)
        {
            var rule = rules[code.Code];
            var level = rule.GetProperty("defaultConfiguration").GetProperty("level").GetString();
            Assert.Equal(code.Severity switch { FindingSeverity.High => "error", FindingSeverity.Medium => "warning", _ => "note" }, level);
            var hasScore = rule.GetProperty("properties").TryGetProperty("security-severity", out var score);
            if (code.Severity == FindingSeverity.High) Assert.True(double.Parse(score.GetString()!, System.Globalization.CultureInfo.InvariantCulture) >= 7.0, code.Code);
            if (code.Severity == FindingSeverity.Medium) Assert.InRange(double.Parse(score.GetString()!, System.Globalization.CultureInfo.InvariantCulture), 4.0, 6.9);
            if (code.Severity == FindingSeverity.Info) Assert.False(hasScore, code.Code);
        }
    }

    /// <summary>Checks the whole log; returns its results.</summary>
    private static List<JsonElement> CheckLog(string sarif, string baseDirectory)
    {
        var log = JsonDocument.Parse(sarif).RootElement;
        Assert.Equal("2.1.0", log.GetProperty("version").GetString());
        Assert.Equal("https://json.schemastore.org/sarif-2.1.0.json", log.GetProperty("$schema").GetString());
        var run = Assert.Single(log.GetProperty("runs").EnumerateArray());
        var driver = run.GetProperty("tool").GetProperty("driver");
        Assert.Equal("dockerfw", driver.GetProperty("name").GetString());
        var rules = driver.GetProperty("rules").EnumerateArray().ToList();
        Assert.Equal(rules.Count, rules.Select(r => r.GetProperty("id").GetString()).Distinct().Count());
        foreach (var rule in rules)
        {
            Assert.NotEmpty(rule.GetProperty("shortDescription").GetProperty("text").GetString()!);
            Assert.NotEmpty(rule.GetProperty("help").GetProperty("text").GetString()!);
            Assert.NotEmpty(rule.GetProperty("properties").GetProperty("tags").EnumerateArray());
        }

        var results = run.GetProperty("results").EnumerateArray().ToList();
        foreach (var result in results)
        {
            var ruleId = result.GetProperty("ruleId").GetString();
            Assert.Equal(ruleId, rules[result.GetProperty("ruleIndex").GetInt32()].GetProperty("id").GetString());
            Assert.Contains(result.GetProperty("level").GetString(), new[] { "error", "warning", "note" });
            Assert.NotEmpty(result.GetProperty("message").GetProperty("text").GetString()!);
            var location = Assert.Single(result.GetProperty("locations").EnumerateArray());
            CheckLocation(location, baseDirectory);
            var related = result.TryGetProperty("relatedLocations", out var more) ? more.EnumerateArray().ToList() : [];
            Assert.InRange(related.Count, 0, 9);
            Assert.Equal(Enumerable.Range(1, related.Count), related.Select(r => r.GetProperty("id").GetInt32()));
            foreach (var other in related) CheckLocation(other, baseDirectory);
        }

        return results;
    }

    private static void CheckLocation(JsonElement location, string baseDirectory)
    {
        var uri = Uri(location);
        var path = uri.StartsWith("file://", StringComparison.Ordinal) ? new Uri(uri).LocalPath : Path.Combine(baseDirectory, System.Uri.UnescapeDataString(uri));
        Assert.True(File.Exists(path), $"{uri} is not a file");
        if (!location.GetProperty("physicalLocation").TryGetProperty("region", out var region)) return;

        var lines = File.ReadAllLines(path);
        var line = region.GetProperty("startLine").GetInt32();
        if (!region.TryGetProperty("snippet", out var snippetNode))
        {
            // A whole file: from its first line to its last.
            Assert.Equal((1, lines.Length), (line, region.GetProperty("endLine").GetInt32()));
            return;
        }

        var text = lines[line - 1];
        var snippet = snippetNode.GetProperty("text").GetString()!;
        // The dump's own line may carry counters ([0:0] -A ...) that the canonical rule text leaves out:
        // the columns pick the rule out of the line.
        Assert.EndsWith(snippet, text.TrimEnd());
        Assert.Equal(line, region.GetProperty("endLine").GetInt32());
        var (start, end) = (region.GetProperty("startColumn").GetInt32(), region.GetProperty("endColumn").GetInt32());
        Assert.Equal(snippet, text[(start - 1)..(end - 1)]);
    }

    private static string Uri(JsonElement location) =>
        location.GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString()!;

    private static Dictionary<string, JsonElement> Rules(string sarif) =>
        JsonDocument.Parse(sarif).RootElement.GetProperty("runs")[0].GetProperty("tool").GetProperty("driver").GetProperty("rules")
            .EnumerateArray().ToDictionary(r => r.GetProperty("id").GetString()!);
}
