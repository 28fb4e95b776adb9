using System.Collections.Immutable;
using DockerFw.Core.Fleet;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Routing;

namespace DockerFw.Core.Tests.Fleet;

/// <summary>
/// Which user networks a fleet expects other hosts to reach: those another host has a route into
/// (table main, not its default, not onto one of its own bridges), whatever the route's length.
/// The index (<see cref="PeerRoutes"/>) is checked against the definition itself, route by route.
/// </summary>
public sealed class PeerRoutesTests
{
    [Fact]
    public void A_network_is_routed_when_another_host_routes_into_it_by_a_supernet_a_subnet_or_itself()
    {
        var random = new Random(15);
        for (var round = 0; round < 40; round++)
        {
            var hosts = Enumerable.Range(0, 4).Select(h => Host(random, $"h{h}")).ToList();

            var routed = new FleetPlan(hosts).Routed;

            foreach (var network in hosts.SelectMany(h => h.Networks))
                Assert.True(routed.Contains(network) == (network.IsDefaultBridge || RoutedByDefinition(network, hosts)),
                    $"round {round}: {network.Display}; routes: {string.Join("; ", hosts.SelectMany(h => h.Routes.Routes.Select(r => $"{h.Name}: {r}")))}");
        }
    }

    [Fact]
    public void Routes_by_the_network_own_host_its_default_other_tables_and_onto_a_bridge_do_not_make_it_routed()
    {
        var a = Summary("a", [Network("a", "net", "br-a", "172.20.0.0/24")],
            [Via("172.20.0.0/24", "main"), Via("172.20.0.0/16", "main", device: "br-a")]);
        var b = Summary("b", [Network("b", "own", "br-b", "172.30.0.0/16")],
            [Via("0.0.0.0/0", "main"), Via("172.20.0.0/24", "100"), Via("172.20.0.0/23", "main", device: "br-b")]);

        Assert.Empty(new FleetPlan([a, b]).Routed);

        var c = Summary("c", [], [Via("172.20.0.64/26", "main")]);
        Assert.Equal(["a/net (172.20.0.0/24)"], new FleetPlan([a, b, c]).Routed.Select(n => n.Display));
    }

    // The definition: a route of another host, in table main, with a prefix, not onto its own bridge, overlapping the subnet.
    private static bool RoutedByDefinition(FleetNetwork network, IReadOnlyList<HostSummary> hosts) =>
        hosts.Where(h => h.Name != network.Host).Any(h => h.Routes.Routes.Any(r =>
            r.Destination.PrefixLength > 0 && r.Table == "main" && h.NetworkOnBridge(r.Device ?? "") is null
            && r.Destination.Bounds.First <= network.Bounds.Last && network.Bounds.First <= r.Destination.Bounds.Last));

    private static HostSummary Host(Random random, string name)
    {
        var networks = Enumerable.Range(0, 4).Select(i => Network(name, $"n{i}", $"br-{name}{i}", Prefix(random, 20, 28))).ToList();
        if (random.Next(3) == 0) networks[0] = networks[0] with { Name = "bridge", IsDefaultBridge = true };
        var routes = Enumerable.Range(0, 5).Select(_ => Via(Prefix(random, random.Next(4) == 0 ? 0 : 12, 30),
            random.Next(5) == 0 ? "100" : "main", device: random.Next(5) == 0 ? networks[random.Next(4)].Bridge : "under0"));
        return Summary(name, [.. networks], [.. routes]);
    }

    // A prefix in 172.16.0.0/12's first /16s, where random networks and routes meet often.
    private static string Prefix(Random random, int shortest, int longest)
    {
        var length = random.Next(shortest, longest + 1);
        var address = (172u << 24) | (16u << 16) | (uint)random.Next(1 << 17);
        var mask = length == 0 ? 0 : uint.MaxValue << (32 - length);
        return $"{IpAddressValue.Format(address & mask, IpFamily.V4)}/{length}";
    }

    private static FleetNetwork Network(string host, string name, string bridge, string subnet)
    {
        var mask = Mask(subnet);
        return new FleetNetwork(host, name, bridge, mask, mask.Address + 1, false);
    }

    private static Route Via(string destination, string table, string device = "under0") =>
        new(RouteType.Unicast, Mask(destination), device, IpAddressValue.Parse("192.168.77.9", IpFamily.V4), table, 0);

    private static AddressMask Mask(string text) =>
        AddressMask.TryParse(text, IpFamily.V4, out var mask) ? mask! : throw new ArgumentException(text);

    private static HostSummary Summary(string name, ImmutableArray<FleetNetwork> networks, ImmutableArray<Route> routes) =>
        new(name, networks, [], [], [], new RoutingTable(routes, true), true);
}
