using DockerFw.Core.Audit;
using DockerFw.Tests.Policy;

namespace DockerFw.Tests.Audit;

/// <summary>
/// An IPv6 subnet's first address (interface ID 0: fd00:a:: of front) is the subnet-router anycast
/// address of a forwarding host: table local's anycast route on the bridge delivers a packet to it
/// to the host, and the host answers neighbour discovery for it, so no container receives it (and
/// Docker's IPAM never hands it out). On oracle F36's host (PolicyHostFactsTests: firewalld's strict
/// reverse-path check, the routes read) the host's own replies from it would fail the check, and
/// counted among front's containers it made a "one-way" flow to an address no container holds.
/// </summary>
public sealed class SubnetRouterAnycastTests
{
    [Fact]
    public void The_network_matrix_names_no_flow_to_the_subnet_router_anycast_address()
    {
        var report = PolicyHostFactsTests.Audit("allow back -> front");

        var pair = Assert.Single(report.ReachabilityV6!.Listed, e => e.From == "back" && e.To == "front");
        var destinations = pair.Flows.Select(f => f.Destinations).OfType<string>().ToList();
        Assert.NotEmpty(destinations);
        Assert.All(destinations, d => Assert.DoesNotContain("fd00:a::,", d + ",", StringComparison.Ordinal));
        Assert.Contains(pair.Flows, f => f is { Destinations: "fd00:a::2", Kind: "one-way" });
    }
}
