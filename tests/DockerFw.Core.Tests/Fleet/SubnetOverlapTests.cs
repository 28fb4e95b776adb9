using System.Collections.Immutable;
using DockerFw.Core.Fleet;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Routing;

namespace DockerFw.Core.Tests.Fleet;

/// <summary>
/// DFW770 is one finding per pair of hosts, naming every pair of their routed networks that overlap:
/// a and b both keep docker0 on 172.17.0.0/16 and both run a network x on 10.1.0.0/24 that the other
/// routes into; c keeps docker0 on 172.17.0.0/16 too. a and b: one finding for both collisions.
/// </summary>
public sealed class SubnetOverlapTests
{
    private const string Remedy = "neither host can route to the other's containers there (a packet to the peer's container stays on the sender's own bridge); give each host its own subnet";

    [Fact]
    public void Overlapping_routed_networks_are_one_finding_per_pair_of_hosts_naming_each_overlap()
    {
        var a = Summary("a", [Network("a", "bridge", "docker0", "172.17.0.0/16", isDefault: true), Network("a", "x", "br-ax", "10.1.0.0/24")], [Via("10.1.0.0/16")]);
        var b = Summary("b", [Network("b", "bridge", "docker0", "172.17.0.0/16", isDefault: true), Network("b", "x", "br-bx", "10.1.0.0/24")], [Via("10.1.0.0/16")]);
        var c = Summary("c", [Network("c", "bridge", "docker0", "172.17.0.0/16", isDefault: true)], []);

        var findings = SubnetOverlaps.Find(new FleetPlan([a, b, c])).ToList();

        Assert.Equal(
        [
            $"DFW770 [a, b] 2 pairs of a's and b's routed networks overlap: a/bridge (172.17.0.0/16) and b/bridge (172.17.0.0/16), a/x (10.1.0.0/24) and b/x (10.1.0.0/24): {Remedy}s (dockerd --bip, e.g. 10.103.100.1/24 on one and 10.103.200.1/24 on the other)",
            $"DFW770 [a, c] a/bridge (172.17.0.0/16) and c/bridge (172.17.0.0/16) overlap: {Remedy} (dockerd --bip, e.g. 10.103.100.1/24 on one and 10.103.200.1/24 on the other)",
            $"DFW770 [b, c] b/bridge (172.17.0.0/16) and c/bridge (172.17.0.0/16) overlap: {Remedy} (dockerd --bip, e.g. 10.103.100.1/24 on one and 10.103.200.1/24 on the other)",
        ], findings.Select(f => $"{f.Code.Code} [{string.Join(", ", f.Hosts)}] {f.Message}"));
    }

    [Fact]
    public void Hosts_on_their_own_subnets_raise_none()
    {
        var a = Summary("a", [Network("a", "bridge", "docker0", "10.103.100.0/24", isDefault: true)], []);
        var b = Summary("b", [Network("b", "bridge", "docker0", "10.103.200.0/24", isDefault: true)], []);

        Assert.Empty(SubnetOverlaps.Find(new FleetPlan([a, b])));
    }

    private static FleetNetwork Network(string host, string name, string bridge, string subnet, bool isDefault = false)
    {
        var mask = Mask(subnet);
        return new FleetNetwork(host, name, bridge, mask, mask.Address + 1, isDefault);
    }

    private static Route Via(string destination) =>
        new(RouteType.Unicast, Mask(destination), "under0", IpAddressValue.Parse("192.168.77.9", IpFamily.V4), "main", 0);

    private static AddressMask Mask(string text) =>
        AddressMask.TryParse(text, IpFamily.V4, out var mask) ? mask! : throw new ArgumentException(text);

    private static HostSummary Summary(string name, ImmutableArray<FleetNetwork> networks, ImmutableArray<Route> routes) =>
        new(name, networks, [], [], [], new RoutingTable(routes, true), true);
}
