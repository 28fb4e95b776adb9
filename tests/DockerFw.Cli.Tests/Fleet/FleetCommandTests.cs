using System.Text.Json;
using DockerFw.Cli.Tests.Audit;
using DockerFw.Cli.Tests.Capture;
using DockerFw.Cli.Tests.Support;
using DockerFw.Tests;

namespace DockerFw.Cli.Tests.Fleet;

/// <summary>
/// `dockerfw fleet` on real bundles: two captures of the sample host (a directory and a .tar.gz), which
/// both keep docker0 on Docker's default 172.17.0.0/16. Its JSON conforms to docs/fleet.schema.json.
/// </summary>
public sealed class FleetCommandTests : IDisposable
{
    private static readonly JsonSchemaCheck Schema = new(JsonDocument.Parse(File.ReadAllText(Path.Combine(Corpus.RepoRoot, "docs", "fleet.schema.json"))).RootElement);

    private readonly string folder = Path.Combine(Path.GetTempPath(), $"dfw-fleet-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    private string Bundles(params string[] names)
    {
        foreach (var name in names.Length > 0 ? names : ["host-a", "host-b.tar.gz"])
        {
            var host = new SampleHost();
            var run = Dockerfw.Run(["capture", Path.Combine(folder, name)], stdin: "", host.Register);
            Assert.True(run.ExitCode == 0, run.ToString());
        }

        return folder;
    }

    [Fact]
    public void Two_hosts_on_the_default_subnet_overlap_and_their_packets_stay_home_in_json_that_conforms_to_the_schema()
    {
        var run = Dockerfw.Run("fleet", "--format", "json", "--full", Bundles());

        Assert.True(run.ExitCode == 1, run.ToString());
        using var report = JsonDocument.Parse(run.Out);
        var errors = Schema.Validate(report.RootElement);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        Assert.Equal("full", report.RootElement.GetProperty("form").GetString());
        Assert.Equal(["host-a", "host-b"], report.RootElement.GetProperty("hosts").EnumerateArray().Select(h => h.GetProperty("name").GetString()));
        Assert.Equal(["DFW770"], report.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("code").GetString()));
        var cells = report.RootElement.GetProperty("networks").EnumerateArray().ToList();
        Assert.Equal(2, cells.Count);
        Assert.All(cells, c => Assert.Equal(("blocked", "own_bridge"), (c.GetProperty("outcome").GetString(), c.GetProperty("way").GetProperty("kind").GetString())));
    }

    [Fact]
    public void The_compact_json_groups_each_rows_cells_that_end_alike_and_conforms_to_the_schema()
    {
        var run = Dockerfw.Run("fleet", "--format", "json", Bundles("host-a", "host-b.tar.gz", "host-c"));

        Assert.True(run.ExitCode == 1, run.ToString());
        using var report = JsonDocument.Parse(run.Out);
        var errors = Schema.Validate(report.RootElement);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        var networks = report.RootElement.GetProperty("networks");
        Assert.Equal((6, 6), (networks.GetProperty("cells").GetInt32(), networks.GetProperty("outcomes").GetProperty("blocked").GetInt32()));
        // Three hosts on one subnet: each host's bridge row is one group, to both others.
        var rows = networks.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(["host-a", "host-b", "host-c"], rows.Select(r => r.GetProperty("from_host").GetString()));
        var group = Assert.Single(rows[0].GetProperty("groups").EnumerateArray());
        Assert.Equal(["host-b/bridge (172.17.0.0/16)", "host-c/bridge (172.17.0.0/16)"], group.GetProperty("to").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("host-b/bridge (172.17.0.0/16)", group.GetProperty("first").GetProperty("to").GetString());
        Snapshots.Verify(run.Out, "three-hosts-json");
    }

    [Fact]
    public void The_compact_text_names_a_groups_cells_and_shows_its_first_in_full_and_full_lists_every_cell()
    {
        var bundles = Bundles("host-a", "host-b.tar.gz", "host-c");
        var compact = Dockerfw.Run("fleet", bundles);
        var full = Dockerfw.Run("fleet", "--full", bundles);

        Assert.Equal((1, 1), (compact.ExitCode, full.ExitCode));
        Assert.Contains("  host-a/bridge (172.17.0.0/16) -> 2 networks: blocked\n    to: host-b/bridge (172.17.0.0/16), host-c/bridge (172.17.0.0/16)\n    the first, host-b/bridge (172.17.0.0/16):\n      way: host-a routes", compact.Out);
        Assert.Contains("  host-a/bridge (172.17.0.0/16) -> host-c/bridge (172.17.0.0/16): blocked\n    way: host-a routes", full.Out);
        Snapshots.Verify(compact.Out, "three-hosts");
        Snapshots.Verify(full.Out, "three-hosts-full");
    }

    [Fact]
    public void The_text_report_names_the_hosts_the_cells_and_the_findings()
    {
        var run = Dockerfw.Run("fleet", Path.Combine(Bundles(), "host-a"), Path.Combine(folder, "host-b.tar.gz"));

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("dockerfw fleet: 2 hosts\n", run.Out);
        Assert.Contains("  host-a: backend 172.30.2.0/24 on br-9c93ba76092b, bridge 172.17.0.0/16 on docker0 (routed)", run.Out);
        Assert.Contains("  host-a/bridge (172.17.0.0/16) -> host-b/bridge (172.17.0.0/16): blocked\n    way: host-a routes 172.17.0.2", run.Out);
        Assert.Contains("DFW770 high [host-a, host-b] host-a/bridge (172.17.0.0/16) and host-b/bridge (172.17.0.0/16) overlap", run.Out);
    }

    [Fact]
    public void Sarif_has_one_run_per_host_each_locating_its_results_in_that_host_s_bundle()
    {
        var run = Dockerfw.Run("fleet", "--format", "sarif", Bundles());

        Assert.True(run.ExitCode == 1, run.ToString());
        var runs = System.Text.Json.Nodes.JsonNode.Parse(run.Out)!["runs"]!.AsArray();
        Assert.Equal(["dockerfw-fleet/host-a/", "dockerfw-fleet/host-b/"], runs.Select(r => r!["automationDetails"]!["id"]!.GetValue<string>()));
        foreach (var hostRun in runs)
        {
            var result = Assert.Single(hostRun!["results"]!.AsArray());
            Assert.Equal("DFW770", result!["ruleId"]!.GetValue<string>());
            Assert.Equal("DFW770", hostRun["tool"]!["driver"]!["rules"]![result["ruleIndex"]!.GetValue<int>()]!["id"]!.GetValue<string>());
        }

        // A directory bundle's dump by its path; an archive's member relative to the archive, described per host.
        var a = runs[0]!["results"]![0]!["locations"]![0]!["physicalLocation"]!["artifactLocation"]!;
        Assert.EndsWith("host-a/iptables-save.txt", a["uri"]!.GetValue<string>());
        var b = runs[1]!["results"]![0]!["locations"]![0]!["physicalLocation"]!["artifactLocation"]!;
        Assert.Equal(("iptables-save.txt", "BUNDLE_HOST_B"), (b["uri"]!.GetValue<string>(), b["uriBaseId"]!.GetValue<string>()));
        Assert.Contains("host-b.tar.gz", runs[1]!["originalUriBaseIds"]!["BUNDLE_HOST_B"]!["description"]!["text"]!.GetValue<string>());
    }

    [MultitoolTheory]
    [InlineData("fleet.sarif")]
    public void The_sarif_log_passes_the_multitool_with_githubs_ingestion_rules(string name)
    {
        var log = Path.Combine(folder, name);
        var run = Dockerfw.Run("fleet", "--format", "sarif", Bundles());
        File.WriteAllText(log, run.Out);

        var problems = SarifMultitoolTests.Validate(log, Path.Combine(folder, "validation.sarif"));
        Assert.True(problems.Count == 0, $"the multitool says\n{string.Join('\n', problems)}");
    }

    [Fact]
    public void One_host_is_a_usage_error_and_a_directory_without_bundles_an_error_naming_it()
    {
        var one = Dockerfw.Run("fleet", Path.Combine(Bundles(), "host-a"));
        Directory.CreateDirectory(Path.Combine(folder, "empty"));
        var empty = Dockerfw.Run("fleet", Path.Combine(folder, "empty"));

        Assert.Equal((3, "dockerfw: usage: fleet needs the bundles of at least two hosts, got 1\n"), (one.ExitCode, one.Error));
        Assert.Equal(2, empty.ExitCode);
        Assert.Contains("empty is neither a bundle nor a directory of bundles", empty.Error);
    }
}
