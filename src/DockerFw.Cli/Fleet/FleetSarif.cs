using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using DockerFw.Cli.Output;
using DockerFw.Core.Fleet;
using DockerFw.Core.Host;

namespace DockerFw.Cli.Fleet;

/// <summary>
/// <c>fleet --format sarif</c>: SARIF 2.1.0 with one run per host (docs/fleet.md). A finding is a result
/// in the run of each host it concerns, located at the rules of that host that decided it, in that
/// host's bundle (its iptables-save dump, or the other back end's for a rule of its tables, the way
/// <c>audit --bundle</c>'s SARIF points into them), else at the iptables-save dump as a whole: code
/// scanning shows no result without a location.
/// </summary>
internal static class FleetSarif
{
    /// <param name="dumps">Each host's IPv4 rules files as its bundle was read.</param>
    public static void Write(FleetReport report, IReadOnlyDictionary<string, HostDumps> dumps, string version, TextWriter output)
    {
        var rules = FleetCodes.All;
        var runs = report.Hosts.Select(host =>
        {
            var hostDumps = dumps.GetValueOrDefault(host.Name) ?? HostDumps.None;
            var run = new JsonObject
            {
                ["tool"] = new JsonObject
                {
                    ["driver"] = new JsonObject { ["name"] = "dockerfw", ["version"] = version, ["rules"] = new JsonArray([.. rules.Select(AuditSarifFormatter.Rule)]) },
                },
                ["automationDetails"] = new JsonObject { ["id"] = $"dockerfw-fleet/{host.Name}/" },
                ["results"] = new JsonArray([.. report.Findings.Where(f => f.Hosts.Contains(host.Name)).Select(f => Result(f, rules.IndexOf(f.Code), host.Name, hostDumps))]),
                ["properties"] = new JsonObject { ["host"] = host.Name },
            };
            if (hostDumps.Archive is { } archive)
                run["originalUriBaseIds"] = new JsonObject { [Base(host.Name)] = new JsonObject { ["description"] = new JsonObject { ["text"] = $"the files of the capture bundle {archive}, unpacked (tar -xzf)" } } };
            return (JsonNode)run;
        });
        var log = new JsonObject { ["$schema"] = AuditSarifFormatter.SchemaUri, ["version"] = "2.1.0", ["runs"] = new JsonArray([.. runs]) };
        output.Write(log.ToJsonString(new JsonSerializerOptions { WriteIndented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        output.Write('\n');
    }

    private static JsonNode Result(FleetFinding finding, int ruleIndex, string host, HostDumps dumps)
    {
        var rulesHere = finding.Evidence.Where(d => d.Host == host && d.At is { Line: > 0 })
            .Select(d => (Decision: d, Dump: dumps.Holding(d.At!))).Where(r => r.Dump is not null).ToList();
        var locations = rulesHere.Count > 0 ? rulesHere.Select(r => RuleLocation(r.Dump!.Origin, host, r.Decision.At!.Line, r.Decision)).ToList()
            : dumps.Rules is { } whole ? [Whole(whole, host)]
            : [];
        var result = new JsonObject
        {
            ["ruleId"] = finding.Code.Code,
            ["ruleIndex"] = ruleIndex,
            ["level"] = AuditSarifFormatter.Level(finding.Code.Severity),
            ["message"] = new JsonObject { ["text"] = finding.Message },
            ["locations"] = new JsonArray([.. locations.Take(1)]),
            ["partialFingerprints"] = new JsonObject { ["dockerfwFleetFinding/v1"] = Fingerprint(finding) },
            ["properties"] = new JsonObject
            {
                ["check"] = finding.Code.Check,
                ["severity"] = ReportWords.Of(finding.Code.Severity),
                ["hosts"] = new JsonArray([.. finding.Hosts.Select(h => (JsonNode?)h)]),
            },
        };
        if (locations.Count > 1)
            result["relatedLocations"] = new JsonArray([.. locations.Skip(1).Select((l, i) => { l["id"] = i + 1; return (JsonNode)l; })]);
        return result;
    }

    private static JsonObject RuleLocation(DumpOrigin dump, string host, int line, Decision decision) => new()
    {
        ["physicalLocation"] = new JsonObject
        {
            ["artifactLocation"] = Artifact(dump, host),
            ["region"] = new JsonObject { ["startLine"] = line, ["endLine"] = line, ["snippet"] = new JsonObject { ["text"] = decision.Rule } },
        },
        ["logicalLocations"] = new JsonArray(new JsonObject { ["fullyQualifiedName"] = $"{decision.At!.Table}/{decision.At.Chain}", ["kind"] = "module" }),
        ["message"] = new JsonObject { ["text"] = $"decides on {host} ({Leg.StageName(decision.Stage ?? LegStage.SenderForward)})" },
    };

    // The file as a whole: code scanning wants a region, its every line.
    private static JsonObject Whole(HostDump dump, string host)
    {
        var physical = new JsonObject { ["artifactLocation"] = Artifact(dump.Origin, host) };
        if (dump.Lines > 0) physical["region"] = new JsonObject { ["startLine"] = 1, ["endLine"] = dump.Lines };
        return new JsonObject { ["physicalLocation"] = physical };
    }

    // A member of a bundle archive is named relative to the archive, one base per host's bundle.
    private static JsonObject Artifact(DumpOrigin dump, string host) => dump.Archive is null
        ? new JsonObject { ["uri"] = AuditSarifFormatter.Uri(dump.Path) }
        : new JsonObject { ["uri"] = AuditSarifFormatter.Uri(dump.Path), ["uriBaseId"] = Base(host) };

    private static string Base(string host) => "BUNDLE_" + new string([.. host.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_')]);

    // The same problem between the same hosts keeps its identity across runs.
    private static string Fingerprint(FleetFinding finding) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("|", finding.Code.Code, string.Join(",", finding.Hosts), finding.Message))))[..32];
}
