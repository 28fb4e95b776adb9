namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// The oracle's reading of reach where a request is source-NATed to an address off the server's networks
/// (seed 5153, no root): n0's <c>host_ipv4</c> SNATs c1's request to c0 to the host's second address;
/// c0, on internal n2 and on n1, answers that address by its default route on n1's bridge, where
/// isolation drops the answer. The probes died; asked the way the request went (in on n2's bridge),
/// reach's ACCEPT read as an answer that was blocked.
/// </summary>
public sealed class SnatReplyReachTests
{
    private static readonly string Fixture = Path.Combine(OracleFixtureTests.Root, "seed-5153-container-matrix-allowed-but-blocked");

    [Fact]
    public void An_answer_to_a_source_nat_address_is_asked_on_the_servers_route_to_it()
    {
        var dumps = Directory.GetFiles(Fixture).ToDictionary(f => Path.GetFileName(f), File.ReadAllText);
        var traffic = TrafficFile.Read(dumps["traffic.json"]);
        var c1ToC0 = traffic.Where(r => r.Probe.Source?.ToString() == "172.30.10.2" && r.Probe.Destination.ToString() == "172.30.12.2").ToList();
        Assert.NotEmpty(c1ToC0);
        Assert.All(c1ToC0, r => Assert.False(r.Reached));

        var disagreements = new ReachChecker(dumps, traffic).Check();

        Assert.DoesNotContain(disagreements, d => d.Traffic.Any(p => p.Probe.Source?.ToString() == "172.30.10.2" && p.Probe.Destination.ToString() == "172.30.12.2"));
    }

    [Fact]
    public void Without_the_servers_routes_the_answer_is_asked_the_way_the_request_went()
    {
        // The recorded routes are what decides: a fixture from before they were recorded keeps the old reading.
        var dumps = Directory.GetFiles(Fixture).ToDictionary(f => Path.GetFileName(f), File.ReadAllText);
        dumps.Remove("container-routes");
        var traffic = TrafficFile.Read(dumps["traffic.json"]);

        var disagreements = new ReachChecker(dumps, traffic).Check();

        Assert.Contains(disagreements, d => d.Class == "reach/accepts-but-blocked" && d.Traffic.Any(p => p.Probe.Source?.ToString() == "172.30.10.2" && p.Probe.Destination.ToString() == "172.30.12.2"));
    }
}
