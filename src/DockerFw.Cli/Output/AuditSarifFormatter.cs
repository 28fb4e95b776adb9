using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using DockerFw.Core.Audit;
using DockerFw.Core.Host;

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

    private const string BundleBase = "BUNDLE";

    // SARIF allows at most ten locations per result before a viewer stops showing them.
    private const int MaxLocations = 10;

    public string Name => "sarif";

    public void Write(AuditRun run, TextWriter output, TerminalProfile terminal)
    {
        var rules = FindingCodes.All;
        // A dump's lines are split once for every location in it, not once per location; dumps are
        // told apart by identity (their text is the whole dump: no key to hash or compare).
        var split = new Dictionary<DumpOrigin, IReadOnlyList<string>>(ReferenceEqualityComparer.Instance);
        IReadOnlyList<string> DumpLines(DumpOrigin dump) => split.TryGetValue(dump, out var lines) ? lines : split[dump] = dump.Lines();
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
                ["automationDetails"] = new JsonObject { ["id"] = $"dockerfw-audit/{run.Host.Trim('/')}/" },
                ["results"] = new JsonArray([.. run.Report.Findings.Concat(run.Report.Intended ?? []).Select(f => Result(f, rules.IndexOf(f.Code), run, DumpLines))]),
                ["properties"] = new JsonObject
                {
                    ["inferred"] = run.Report.ViewInferred,
                    ["notices"] = new JsonArray([.. run.Report.Notices.Select(n => (JsonNode?)n)]),
                },
            }),
        };

        if (BaseIds(run) is { } bases) ((JsonObject)log["runs"]![0]!)["originalUriBaseIds"] = bases;
        output.Write(log.ToJsonString(new JsonSerializerOptions
        {
            WriteIndented = true,
            NewLine = "\n",
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }));
        output.Write('\n');
    }

    // Only when rules came from a bundle archive.
    private static JsonObject? BaseIds(AuditRun run) =>
        run.Dumps.FirstOrDefault(d => d.Archive is not null)?.Archive is { } archive
            ? new JsonObject { [BundleBase] = new JsonObject { ["description"] = new JsonObject { ["text"] = $"the files of the capture bundle {archive}, unpacked (tar -xzf)" } } }
            : null;

    internal static JsonNode Rule(FindingCode code)
    {
        var properties = new JsonObject
        {
            ["tags"] = new JsonArray("security", "docker", "firewall", code.Check),
            ["precision"] = Precision(code),
        };
        if (SecuritySeverity.TryGetValue(code.Severity, out var score)) properties["security-severity"] = score;
        return new JsonObject
        {
            ["id"] = code.Code,
            ["name"] = code.Check + "/" + code.Code,
            ["shortDescription"] = new JsonObject { ["text"] = code.Title },
            ["fullDescription"] = new JsonObject { ["text"] = $"{Capitalised(code.Title)} ({code.Check} check, {ReportWords.Of(code.Severity)} severity)." },
            ["help"] = Help(code),
            ["defaultConfiguration"] = new JsonObject { ["level"] = Level(code.Severity) },
            ["properties"] = properties,
        };
    }

    private static JsonNode Result(Finding finding, int ruleIndex, AuditRun run, Func<DumpOrigin, IReadOnlyList<string>> linesOf)
    {
        // Code scanning shows the first location as the alert's place and the related ones as links
        // from its message: the rule that decided first, the others after it.
        var locations = Locations(finding, run, linesOf).ToList();
        var result = new JsonObject
        {
            ["ruleId"] = finding.Code.Code,
            ["ruleIndex"] = ruleIndex,
            ["level"] = Level(finding.Severity),
            ["message"] = new JsonObject { ["text"] = finding.Message },
            ["locations"] = new JsonArray([.. locations.Take(1)]),
            ["partialFingerprints"] = new JsonObject { ["dockerfwFinding/v1"] = Fingerprint(finding) },
            ["properties"] = new JsonObject
            {
                ["check"] = finding.Code.Check,
                ["severity"] = ReportWords.Of(finding.Severity),
                ["networks"] = new JsonArray([.. finding.Networks.Select(n => (JsonNode?)n)]),
                ["containers"] = new JsonArray([.. finding.Containers.Select(c => (JsonNode?)c)]),
            },
        };
        // A route decides before any rule and sits on no line of a dump: no location, but said in the
        // result's properties with the same fields as the JSON report's evidence[].route.
        if (finding.Evidence.Where(e => e.Route is not null).ToList() is { Count: > 0 } routes)
            result["properties"]!["routes"] = new JsonArray([.. routes.Select(e => (JsonNode?)new JsonObject
            {
                ["destination"] = e.Route!.Destination,
                ["type"] = e.Route.Type,
                ["device"] = e.Route.Device,
                ["gateway"] = e.Route.Gateway,
                ["table"] = e.Route.Table,
                ["text"] = e.Text,
                ["role"] = e.Role,
            })]);

        if (locations.Count > 1)
        {
            result["relatedLocations"] = new JsonArray([.. locations.Skip(1).Select((l, i) =>
            {
                l["id"] = i + 1;
                return l;
            })]);
        }

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
    /// The evidence rules, one location each, in the files the rules were read from (the dumps given,
    /// or a capture bundle's files). A finding without a rule line (a chain policy, a container
    /// setting) points at the file it comes from as a whole: code scanning shows no result that has
    /// no location. Rules read from stdin or the live host have no file to point at.
    /// </summary>
    private static IEnumerable<JsonObject> Locations(Finding finding, AuditRun run, Func<DumpOrigin, IReadOnlyList<string>> linesOf)
    {
        var located = finding.Evidence.Select(e => (Evidence: e, At: run.Locate(e))).Where(l => l.At is not null)
            .DistinctBy(l => (l.At!.Value.Dump.Path, l.At.Value.Dump.Archive, l.At.Value.Line)).Take(MaxLocations).ToList();
        if (located.Count > 0)
            return located.Select(l => RuleLocation(l.At!.Value.Dump, l.At.Value.Line, l.Evidence, linesOf(l.At.Value.Dump)));

        var docker = run.DockerFiles.FirstOrDefault(f => !f.StartsWith('<'));
        var dump = run.RulesDump;
        if (finding.Code.Check == "container" && docker is not null || dump is null)
            return docker is null ? [] : [WholeFile(FileLocation(docker), run.LinesOf(docker))];
        return [WholeFile(DumpLocation(dump), linesOf(dump))];
    }

    private static JsonObject WholeFile(JsonObject artifact, IReadOnlyList<string>? lines)
    {
        var physical = new JsonObject { ["artifactLocation"] = artifact };
        if (lines is { Count: > 0 }) physical["region"] = new JsonObject { ["startLine"] = 1, ["endLine"] = lines.Count };
        return new JsonObject { ["physicalLocation"] = physical };
    }

    private static JsonObject RuleLocation(DumpOrigin dump, int line, Evidence evidence, IReadOnlyList<string> lines) => new()
    {
        ["physicalLocation"] = new JsonObject { ["artifactLocation"] = DumpLocation(dump), ["region"] = Region(line, evidence, lines) },
        ["logicalLocations"] = new JsonArray(new JsonObject
        {
            ["fullyQualifiedName"] = $"{evidence.Table}/{evidence.Chain}",
            ["kind"] = "module",
        }),
        ["message"] = new JsonObject
        {
            ["text"] = $"{evidence.Role}: {evidence.Table}/{evidence.Chain} rule {evidence.Rule.ToString(CultureInfo.InvariantCulture)}",
        },
    };

    private static JsonObject FileLocation(string file) => new() { ["uri"] = Uri(file) };

    // A member of a bundle archive is named relative to the archive, which the run's
    // originalUriBaseIds describes: a viewer finds it once the archive is unpacked.
    private static JsonObject DumpLocation(DumpOrigin dump) => dump.Archive is null
        ? FileLocation(dump.Path)
        : new JsonObject { ["uri"] = Uri(dump.Path), ["uriBaseId"] = BundleBase };

    /// <summary>
    /// The rule's own line, start and end: the rule's text where it sits on the line (a dump's line
    /// may begin with counters, <c>[0:0] -A ...</c>), else the whole line. Columns count UTF-16 code
    /// units, SARIF's default <c>columnKind</c>.
    /// </summary>
    private static JsonObject Region(int lineNumber, Evidence evidence, IReadOnlyList<string> lines)
    {
        var region = new JsonObject { ["startLine"] = lineNumber, ["endLine"] = lineNumber };
        if (lineNumber <= lines.Count)
        {
            var line = lines[lineNumber - 1];
            var at = line.LastIndexOf(evidence.Text, StringComparison.Ordinal);
            var (start, end) = at >= 0 ? (at + 1, at + evidence.Text.Length + 1) : (1, line.Length + 1);
            region["startColumn"] = start;
            region["endColumn"] = end;
        }

        region["snippet"] = new JsonObject { ["text"] = evidence.Text };
        return region;
    }

    /// <summary>The finding's page (docs/findings/CODE.md, built into the tool) as the rule's help: code scanning shows it beside the alert.</summary>
    private static JsonObject Help(FindingCode code)
    {
        var text = $"{Capitalised(code.Title)}. Each result says what is wrong and how to fix it; the locations are the rules that make it so. See docs/findings/{code.Code}.md.";
        var help = new JsonObject { ["text"] = text };
        using var page = typeof(AuditSarifFormatter).Assembly.GetManifestResourceStream($"DockerFw.Cli.Findings.{code.Code}.md");
        if (page is not null) help["markdown"] = new StreamReader(page).ReadToEnd();
        return help;
    }

    /// <summary>
    /// How often a result of the rule is right (GitHub ranks alerts by it): the traffic checks are
    /// proofs over every packet by the engines; host and container settings rest on kernel settings
    /// and Docker's view as read or given, which the audit can only take as they are stated.
    /// </summary>
    private static string Precision(FindingCode code) => code.Check is "host" or "container" or "proxy" ? "high" : "very-high";

    /// <summary>Relative paths stay relative (code scanning resolves them against the checkout); absolute ones become file URIs.</summary>
    internal static string Uri(string path) =>
        Path.IsPathRooted(path) ? new Uri(path).AbsoluteUri : string.Join('/', path.Split('/').Select(System.Uri.EscapeDataString));

    // The same problem on the same networks and containers keeps its identity across runs, so code
    // scanning tracks one alert rather than opening a new one when line numbers move.
    private static string Fingerprint(Finding finding)
    {
        var key = string.Join("|", finding.Code.Code, string.Join(",", finding.Networks), string.Join(",", finding.Containers), finding.Message);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32];
    }

    internal static string Level(FindingSeverity severity) => severity switch
    {
        FindingSeverity.High => "error",
        FindingSeverity.Medium => "warning",
        _ => "note",
    };

    private static string Capitalised(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
