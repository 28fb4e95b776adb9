using System.Text.Json;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Swarm;

/// <summary>
/// `dockerfw fleet` on the two swarm nodes (<see cref="SwarmLab"/>: a the manager, b a worker), both
/// captured with `dockerfw capture --netns` as the fleet lab does: as Docker sets them up every swarm
/// port of each node is open to the other and a container on b reaches one on a across the VXLAN;
/// with udp/4789 dropped in b's INPUT, fleet names that port from a to b, b's INPUT and the rule
/// (DFW781), keeps b to a open, and the containers no longer reach each other (ca's replies are the
/// VXLAN b drops). The drop is undone in a finally.
/// </summary>
[Collection(SwarmLabCollection.Name)]
public sealed class SwarmFleetLabTests(SwarmLab swarm) : IDisposable
{
    private const string Drop = "-A INPUT -p udp -m udp --dport 4789 -j DROP";

    private readonly string folder = Path.Combine(Path.GetTempPath(), $"dfw-swarm-fleet-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    [LabFact]
    public void As_docker_sets_them_up_fleet_finds_each_nodes_swarm_ports_open_to_the_other_and_the_containers_reach_each_other()
    {
        var (exit, report, text) = Fleet();

        Assert.True(exit is 0 or 1, text);
        Assert.Equal(
        [
            "a -> b tcp/7946 reachable", "a -> b udp/7946 reachable", "a -> b udp/4789 reachable",
            "b -> a tcp/2377 reachable", "b -> a tcp/7946 reachable", "b -> a udp/7946 reachable", "b -> a udp/4789 reachable",
        ], Lines(report));
        Assert.DoesNotContain("DFW781", Codes(report));
        Assert.True(swarm.Reaches(), "cb does not reach ca across the VXLAN although fleet finds every swarm port open");
    }

    [LabFact]
    public void Udp_4789_dropped_in_bs_input_is_named_by_fleet_with_bs_rule_and_the_overlay_breaks()
    {
        swarm.B.MustInLab(["iptables", .. Drop.Replace("-A", "-I", StringComparison.Ordinal).Split(' ')]);
        try
        {
            var (exit, report, text) = Fleet();

            Assert.Equal(1, exit);
            Assert.Equal(
            [
                "a -> b tcp/7946 reachable", "a -> b udp/7946 reachable", "a -> b udp/4789 blocked",
                "b -> a tcp/2377 reachable", "b -> a tcp/7946 reachable", "b -> a udp/7946 reachable", "b -> a udp/4789 reachable",
            ], Lines(report));
            var blocked = Ports(report).Single(p => p.GetProperty("outcome").GetString() == "blocked");
            Assert.Equal((SwarmLab.AddressA, SwarmLab.AddressB), (blocked.GetProperty("source").GetString(), blocked.GetProperty("destination").GetString()));
            var decision = blocked.GetProperty("decisions").EnumerateArray().Last();
            Assert.Equal(("b", "receiver_input"), (decision.GetProperty("host").GetString(), decision.GetProperty("stage").GetString()));
            Assert.EndsWith(": " + Drop, decision.GetProperty("rule").GetString(), StringComparison.Ordinal);
            var finding = Assert.Single(report.GetProperty("findings").EnumerateArray(), f => f.GetProperty("code").GetString() == "DFW781");
            Assert.StartsWith("swarm node a cannot reach b on udp/4789", finding.GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.Contains(Drop, finding.GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.Contains("a -> b udp/4789 (overlay data (VXLAN)), 192.168.77.2 -> 192.168.77.3: blocked: b drops them in INPUT", text, StringComparison.Ordinal);
            Assert.False(swarm.Reaches(), $"cb still reaches ca although fleet says b drops a's VXLAN\n{text}");
        }
        finally
        {
            swarm.B.MustInLab(["iptables", .. Drop.Replace("-A", "-D", StringComparison.Ordinal).Split(' ')]);
        }

        Assert.True(swarm.Reaches(), "the overlay did not come back once the drop was removed");
    }

    private static IEnumerable<JsonElement> Ports(JsonElement report) => report.GetProperty("swarm").EnumerateArray();

    private static List<string> Lines(JsonElement report) =>
        [.. Ports(report).Select(p => $"{p.GetProperty("from_host").GetString()} -> {p.GetProperty("to_host").GetString()} {p.GetProperty("protocol").GetString()}/{p.GetProperty("port").GetInt32()} {p.GetProperty("outcome").GetString()}")];

    private static List<string> Codes(JsonElement report) =>
        [.. report.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("code").GetString()!)];

    /// <summary>Captures both nodes into a directory of bundles (a, b) and runs fleet on it, as JSON and as text.</summary>
    private (int Exit, JsonElement Report, string Text) Fleet()
    {
        var bundles = Path.Combine(folder, Guid.NewGuid().ToString("N"));
        foreach (var (name, host) in new[] { ("a", swarm.A), ("b", swarm.B) })
        {
            var capture = Run("capture", "--netns", host.Netns, "--docker-host", host.DockerHost, Path.Combine(bundles, name));
            Assert.True(capture.Exit == 0, capture.Error);
        }

        var json = Run("fleet", "--format", "json", bundles);
        Assert.True(json.Exit is 0 or 1, json.Error + json.Out);
        var text = Run("fleet", bundles);
        Assert.Equal(json.Exit, text.Exit);
        return (json.Exit, JsonDocument.Parse(json.Out).RootElement.Clone(), text.Out);
    }

    private static (int Exit, string Out, string Error) Run(params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var exit = DockerFw.Cli.DockerFwApp.Run(args, new DockerFw.Cli.StandardStreams(new StringReader(""), output, error));
        return (exit, output.ToString(), error.ToString());
    }
}
