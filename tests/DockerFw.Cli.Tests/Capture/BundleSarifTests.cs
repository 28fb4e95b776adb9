using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json.Nodes;
using DockerFw.Cli.Tests.Support;

namespace DockerFw.Cli.Tests.Capture;

/// <summary>
/// SARIF made from a capture bundle (or from a live audit with <c>--save-inputs</c>) locates every
/// result at its rule's line in the bundle's saved dumps, which a live run has no file for; the rest
/// of the log is the live one.
/// </summary>
public sealed class BundleSarifTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"dfw-bundle-sarif-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    private static CliRun On(SampleHost host, params string[] args) => Dockerfw.Run(args, stdin: "", host.Register);

    private string Capture(string name)
    {
        var output = Path.Combine(folder, name);
        var run = On(new SampleHost(), "capture", output);
        Assert.True(run.ExitCode == 0, run.ToString());
        return output;
    }

    private static JsonObject Sarif(CliRun run)
    {
        Assert.True(run.ExitCode is 0 or 1, run.ToString());
        return JsonNode.Parse(run.Out)!["runs"]![0]!.AsObject();
    }

    private static List<JsonObject> RuleLocations(JsonObject sarif) =>
        [.. sarif["results"]!.AsArray().SelectMany(r => (r!["locations"]?.AsArray() ?? []).Concat(r["relatedLocations"]?.AsArray() ?? []))
            .Select(l => l!["physicalLocation"]!.AsObject()).Where(p => p["region"]?["snippet"] is not null)];

    // Every rule location's snippet is on its line, between its columns, in the file the function opens.
    private static void AssertEveryRuleIsWhereItPoints(JsonObject sarif, Func<JsonObject, string[]> linesOf)
    {
        var located = RuleLocations(sarif);
        Assert.NotEmpty(located);
        foreach (var physical in located)
        {
            var region = physical["region"]!;
            var line = linesOf(physical["artifactLocation"]!.AsObject())[region["startLine"]!.GetValue<int>() - 1];
            var (start, end) = (region["startColumn"]!.GetValue<int>(), region["endColumn"]!.GetValue<int>());
            Assert.Equal(region["snippet"]!["text"]!.GetValue<string>(), line[(start - 1)..(end - 1)]);
        }
    }

    [Fact]
    public void Results_from_a_bundle_directory_point_at_their_rules_in_its_saved_dumps()
    {
        var bundle = Capture("bundle");

        var sarif = Sarif(Dockerfw.Run("audit", "--bundle", bundle, "--format", "sarif"));

        // The sample's iptables-nft-save printed a warning on stderr, which the reader puts first: the
        // rules' lines in the saved stdout are one less than the lines the reader counted.
        AssertEveryRuleIsWhereItPoints(sarif, artifact =>
        {
            var path = new Uri(artifact["uri"]!.GetValue<string>()).LocalPath;
            Assert.StartsWith(bundle, path);
            return File.ReadAllLines(path);
        });
        Assert.Null(sarif["originalUriBaseIds"]);
    }

    [Fact]
    public void Results_from_a_bundle_archive_point_at_its_members_relative_to_the_bundle()
    {
        var bundle = Capture("bundle.tar.gz");
        var members = Unpacked(bundle);

        var sarif = Sarif(Dockerfw.Run("audit", "--bundle", bundle, "--format", "sarif"));

        AssertEveryRuleIsWhereItPoints(sarif, artifact =>
        {
            Assert.Equal("BUNDLE", artifact["uriBaseId"]!.GetValue<string>());
            return members[artifact["uri"]!.GetValue<string>()];
        });
        Assert.Contains("bundle.tar.gz", sarif["originalUriBaseIds"]!["BUNDLE"]!["description"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void Apart_from_the_locations_the_bundle_log_is_the_live_one()
    {
        var bundle = Capture("bundle");

        var live = Sarif(On(new SampleHost(), "audit", "--format", "sarif"));
        var replayed = Sarif(Dockerfw.Run("audit", "--bundle", bundle, "--format", "sarif"));

        Assert.Empty(RuleLocations(live));
        Assert.Equal(WithoutLocations(live), WithoutLocations(replayed));
    }

    [Fact]
    public void Save_inputs_captures_the_live_host_and_locates_the_results_in_what_it_saved()
    {
        var saved = Path.Combine(folder, "inputs");
        var host = new SampleHost();

        var sarif = Sarif(On(host, "audit", "--format", "sarif", "--save-inputs", saved));
        var json = On(new SampleHost(), "audit", "--format", "json", "--save-inputs", Path.Combine(folder, "again"));
        var live = On(new SampleHost(), "audit", "--format", "json");

        Assert.True(File.Exists(Path.Combine(saved, "manifest.json")));
        Assert.Single(host.Asked, "iptables-save");
        AssertEveryRuleIsWhereItPoints(sarif, artifact => File.ReadAllLines(new Uri(artifact["uri"]!.GetValue<string>()).LocalPath));
        Assert.Equal(live.ToString(), json.ToString());
    }

    [Audit.MultitoolTheory]
    [InlineData("bundle")]
    [InlineData("bundle.tar.gz")]
    public void The_bundle_log_passes_the_multitool_with_githubs_ingestion_rules(string name)
    {
        var bundle = Capture(name);
        var log = Path.Combine(folder, "audit.sarif");

        var run = Dockerfw.Run("audit", "--bundle", bundle, "--format", "sarif", "--fail-on", "never", "--output", log);
        var problems = Audit.SarifMultitoolTests.Validate(log, Path.Combine(folder, "validation.sarif"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(problems.Count == 0, $"the multitool says\n{string.Join('\n', problems)}");
    }

    [Theory]
    [InlineData("--iptables", "x")]
    [InlineData("--bundle", "b")]
    [InlineData("--docker", "x.json")]
    public void Save_inputs_takes_only_a_live_host(string option, string value)
    {
        var run = Dockerfw.Run("audit", option, value, "--save-inputs", Path.Combine(folder, "x"));

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("--save-inputs saves what a live audit reads", run.Error);
    }

    private static string WithoutLocations(JsonObject sarif)
    {
        var copy = sarif.DeepClone().AsObject();
        copy.Remove("originalUriBaseIds");
        foreach (var result in copy["results"]!.AsArray())
        {
            result!.AsObject().Remove("locations");
            result.AsObject().Remove("relatedLocations");
        }

        return copy.ToJsonString();
    }

    private static Dictionary<string, string[]> Unpacked(string archive)
    {
        var members = new Dictionary<string, string[]>(StringComparer.Ordinal);
        using var gzip = new GZipStream(File.OpenRead(archive), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.DataStream is null) continue;
            using var reader = new StreamReader(entry.DataStream);
            members[entry.Name.TrimStart('.', '/')] = reader.ReadToEnd().Split('\n');
        }

        return members;
    }
}
