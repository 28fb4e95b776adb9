using System.Text.Json;
using DockerFw.Cli.Fleet;
using DockerFw.Cli.Tests.Audit;
using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using DockerFw.Core.Fleet;
using DockerFw.Core.Host;
using DockerFw.Core.Semantics.Routing;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Tests;

namespace DockerFw.Cli.Tests.Fleet;

/// <summary>
/// What `fleet --format json` writes conforms to docs/fleet.schema.json in every shape it takes: both
/// forms, with the `swarm` and `weave` arrays (written only when two hosts are swarm nodes or run Weave,
/// which no capture of the sample host is) and with a blocked port's decisions, reason and finding.
/// The hosts are the fleet fixtures of the Core tests (tests/DockerFw.Core.Tests/Fleet/Fixtures), the
/// routed setup with both hosts in one swarm, or both running Weave Net.
/// </summary>
public sealed class FleetJsonSchemaTests
{
    private static readonly JsonSchemaCheck Schema = new(JsonDocument.Parse(File.ReadAllText(Path.Combine(Corpus.RepoRoot, "docs", "fleet.schema.json"))).RootElement);

    private static string Fixtures => Path.Combine(Corpus.RepoRoot, "tests", "DockerFw.Core.Tests", "Fleet", "Fixtures");

    public static TheoryData<string, string, string, bool> Fleets() => new()
    {
        // scenario, the host tampered with, a rule added to its filter table, --full
        { "swarm", "", "", false },
        { "swarm", "b", "-A INPUT -p udp -m udp --dport 4789 -j DROP", false },
        { "swarm", "b", "-A INPUT -p udp -m udp --dport 4789 -j DROP", true },
        { "weave", "", "", true },
        { "weave", "a", "-A OUTPUT -d 192.168.77.2/32 -p tcp -m tcp --dport 6783 -j REJECT --reject-with icmp-port-unreachable", false },
        { "gre", "", "", false },
        { "gre", "", "", true },
    };

    [Theory]
    [MemberData(nameof(Fleets))]
    public void The_json_of_each_fleet_conforms_to_the_schema(string scenario, string tampered, string rule, bool full)
    {
        var report = FleetAuditor.Run([() => Host(scenario, "a", tampered == "a" ? rule : ""), () => Host(scenario, "b", tampered == "b" ? rule : "")], mergeFindings: !full);
        var output = new StringWriter { NewLine = "\n" };
        FleetJson.Write(report, output, full);

        using var json = JsonDocument.Parse(output.ToString());
        var errors = Schema.Validate(json.RootElement);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        // The shape the case is here for is in the JSON.
        var root = json.RootElement;
        Assert.Equal(full ? "full" : "compact", root.GetProperty("form").GetString());
        Assert.Equal(scenario == "swarm", root.TryGetProperty("swarm", out _));
        Assert.Equal(scenario == "weave", root.TryGetProperty("weave", out _));
        if (rule != "")
        {
            var blocked = Assert.Single(root.GetProperty(scenario).EnumerateArray(), p => p.GetProperty("outcome").GetString() == "blocked");
            Assert.Equal(tampered, blocked.GetProperty("decisions").EnumerateArray().Last().GetProperty("host").GetString());
            Assert.Contains(root.GetProperty("findings").EnumerateArray(), f => f.GetProperty("code").GetString() == (scenario == "swarm" ? "DFW781" : "DFW782"));
        }
    }

    // One fixture host, as the Core tests' FleetFixture reads it, with a rule added before the filter table's COMMIT.
    private static FleetHost Host(string scenario, string name, string rule)
    {
        string Text(string file) => File.ReadAllText(Path.Combine(Fixtures, scenario, name, file));
        var dump = Text("iptables-save.txt");
        if (rule != "")
        {
            var commit = dump.IndexOf("COMMIT\n", dump.IndexOf("*filter\n", StringComparison.Ordinal), StringComparison.Ordinal);
            dump = dump.Insert(commit, rule + "\n");
        }

        var rules = IptablesSaveReader.Read(dump, $"{name}/iptables-save.txt");
        var docker = DockerInspectReader.Read(Text("docker.json"), $"{name}/docker.json");
        var routes = RouteListReader.Read(Text("ip-route-v4.json"), $"{name}/ip-route-v4.json");
        var (links, problem) = LinkListReader.Read(Text("ip-link.json"));
        Assert.True(rules.Succeeded && docker.Succeeded && routes.Succeeded && problem is null,
            string.Join("\n", rules.Diagnostics.Concat(docker.Diagnostics).Concat(routes.Diagnostics)) + problem);
        var host = new LoadedHost([rules.Value!], null, docker.Value!, DockerViewOrigin.Engine, HostSettings.Unknown.With("net.ipv4.ip_forward", "1"), [], [])
        {
            Addresses = routes.Value!.LocalAddresses(),
            Routes = routes.Value!,
        };
        return new FleetHost(name, host, links) { Pools = NetworkPools.Read(Text("docker.json")) };
    }
}
