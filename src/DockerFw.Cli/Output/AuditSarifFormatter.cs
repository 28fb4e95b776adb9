using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using DockerFw.Core.Audit;

namespace DockerFw.Cli.Output;

/// <summary>
/// <c>--format sarif</c>: SARIF 2.1.0 for code scanning (GitHub and others). One run; one rule per
/// finding code; each result located at the dump lines of its evidence (docs/sarif.md).
/// </summary>
internal sealed class AuditSarifFormatter : IAuditFormatter
{
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";

    // GitHub reads properties.security-severity (0.0-10.0) to rank security alerts:
    // 7.0 and above is "high", 4.0 to 6.9 "medium", below 4.0 "low".
    private static readonly IReadOnlyDictionary<FindingSeverity, string> SecuritySeverity = new Dictionary<FindingSeverity, string>
    {
        [FindingSeverity.High] = "8.0",
        [FindingSeverity.Medium] = "5.0",
        [FindingSeverity.Low] = "2.0",
    };

    // SARIF allows at most ten locations per result before a viewer stops showing them.
    private const int MaxLocations = 10;

    public string Name => "sarif";

    public void Write(AuditRun run, TextWriter output, TerminalProfile terminal)
    {
        var rules = FindingCodes.All;
        var log = new JsonObject
        {
            ["$schema"] = SchemaUri,
            ["version"] = "2.1.0",
            ["runs"] = new JsonArray(new JsonObject
            {
                ["tool"] = new JsonObject
                {
                    ["driver"] = new JsonObject
                    {
                        ["name"] = "dockerfw",
                        ["version"] = run.ToolVersion,
                        ["rules"] = new JsonArray([.. rules.Select(Rule)]),
                    },
                },
                ["results"] = new JsonArray([.. run.Report.Findings.Concat(run.Report.Intended ?? []).Select(f => Result(f, rules.IndexOf(f.Code), run))]),
                ["properties"] = new JsonObject
                {
                    ["inferred"] = run.Report.ViewInferred,
                    ["notices"] = new JsonArray([.. run.Report.Notices.Select(n => (JsonNode?)n)]),
                },
            }),
        };

        output.Write(log.ToJsonString(new JsonSerializerOptions
        {
            WriteIndented = true,
            NewLine = "\n",
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }));
        output.Write('\n');
    }

    private static JsonNode Rule(FindingCode code)
    {
        var properties = new JsonObject { ["tags"] = new JsonArray("security", "docker", "firewall", code.Check) };
        if (SecuritySeverity.TryGetValue(code.Severity, out var score)) properties["security-severity"] = score;
        return new JsonObject
        {
            ["id"] = code.Code,
            ["name"] = code.Check + "/" + code.Code,
            ["shortDescription"] = new JsonObject { ["text"] = code.Title },
            ["fullDescription"] = new JsonObject { ["text"] = $"{Capitalised(code.Title)} ({code.Check} check, {ReportWords.Of(code.Severity)} severity)." },
            ["help"] = new JsonObject
            {
                ["text"] = $"{Capitalised(code.Title)}. Each result says what is wrong and how to fix it; the locations are the rules that make it so. See docs/findings/{code.Code}.md.",
            },
            ["defaultConfiguration"] = new JsonObject { ["level"] = Level(code.Severity) },
            ["properties"] = properties,
        };
    }

    private static JsonNode Result(Finding finding, int ruleIndex, AuditRun run)
    {
        var result = new JsonObject
        {
            ["ruleId"] = finding.Code.Code,
            ["ruleIndex"] = ruleIndex,
            ["level"] = Level(finding.Severity),
            ["message"] = new JsonObject { ["text"] = finding.Message },
            ["locations"] = new JsonArray([.. Locations(finding, run)]),
            ["partialFingerprints"] = new JsonObject { ["dockerfwFinding/v1"] = Fingerprint(finding) },
            ["properties"] = new JsonObject
            {
                ["check"] = finding.Code.Check,
                ["severity"] = ReportWords.Of(finding.Severity),
                ["networks"] = new JsonArray([.. finding.Networks.Select(n => (JsonNode?)n)]),
                ["containers"] = new JsonArray([.. finding.Containers.Select(c => (JsonNode?)c)]),
            },
        };
        // SARIF's own word for a result that is known and accepted: viewers (code scanning) show it as such, not as an alert.
        if (finding.IntendedBy is { } by)
            result["suppressions"] = new JsonArray(new JsonObject
            {
                ["kind"] = "external",
                ["status"] = "accepted",
                ["justification"] = $"intended by policy {by}: {by.Statement}",
            });
        return result;
    }

    /// <summary>
    /// The evidence rules, one location each. A finding without a rule line (a chain policy, a
    /// container setting) points at the file it comes from as a whole: code scanning shows no
    /// result that has no location. Rules read from stdin or the live host have no file to point at.
    /// </summary>
    private static IEnumerable<JsonNode> Locations(Finding finding, AuditRun run)
    {
        var file = FileOrNull(run.RulesFile);
        var lines = finding.Evidence.Where(e => e.Line > 0 && FileOrNull(run.FileOf(e)) is not null).DistinctBy(e => (e.Family, e.Line)).Take(MaxLocations).ToList();
        if (lines.Count > 0)
            return lines.Select(e => Location(FileOrNull(run.FileOf(e))!, e));

        var docker = run.DockerFiles.Select(FileOrNull).FirstOrDefault(f => f is not null);
        var whole = finding.Code.Check == "container" ? docker ?? file : file ?? docker;
        return whole is null ? [] : [Location(whole, null)];
    }

    // Standard input (<stdin>) is no file a viewer can open.
    private static string? FileOrNull(string? name) => name is null || name.StartsWith('<') ? null : name;

    private static JsonNode Location(string file, Evidence? evidence)
    {
        var physical = new JsonObject { ["artifactLocation"] = new JsonObject { ["uri"] = Uri(file) } };
        if (evidence is not null)
        {
            physical["region"] = new JsonObject
            {
                ["startLine"] = evidence.Line,
                ["snippet"] = new JsonObject { ["text"] = evidence.Text },
            };
        }

        var location = new JsonObject { ["physicalLocation"] = physical };
        if (evidence is not null)
        {
            location["logicalLocations"] = new JsonArray(new JsonObject
            {
                ["fullyQualifiedName"] = $"{evidence.Table}/{evidence.Chain}",
                ["kind"] = "module",
            });
            location["message"] = new JsonObject
            {
                ["text"] = $"{evidence.Role}: {evidence.Table}/{evidence.Chain} rule {evidence.Rule.ToString(CultureInfo.InvariantCulture)}",
            };
        }

        return location;
    }

    /// <summary>Relative paths stay relative (code scanning resolves them against the checkout); absolute ones become file URIs.</summary>
    private static string Uri(string path) =>
        Path.IsPathRooted(path) ? new Uri(path).AbsoluteUri : string.Join('/', path.Split('/').Select(System.Uri.EscapeDataString));

    // The same problem on the same networks and containers keeps its identity across runs, so code
    // scanning tracks one alert rather than opening a new one when line numbers move.
    private static string Fingerprint(Finding finding)
    {
        var key = string.Join("|", finding.Code.Code, string.Join(",", finding.Networks), string.Join(",", finding.Containers), finding.Message);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32];
    }

    private static string Level(FindingSeverity severity) => severity switch
    {
        FindingSeverity.High => "error",
        FindingSeverity.Medium => "warning",
        _ => "note",
    };

    private static string Capitalised(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
