using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Semantics;

/// <summary>
/// Random probes through the topology: forwarded between any two endpoints (routed, bridged, and
/// between the two), delivered to any of the router's addresses, or sent by the router itself.
/// </summary>
internal static class RandomProbes
{
    public static Probe Next(Random random, Topology topology)
    {
        var protocol = random.NextDouble() switch { < 0.5 => "udp", < 0.8 => "tcp", _ => "icmp" };
        var port = new[] { 22, 53, 80, 443, 8080 }[random.Next(5)];
        var endpoints = topology.Endpoints;
        var from = endpoints[random.Next(endpoints.Count)];
        var roll = random.NextDouble();
        if (roll < 0.15)
            return new Probe(protocol, null, endpoints[random.Next(endpoints.Count)].Address, topology.NextSourcePort(), port);
        if (roll < 0.35)
        {
            var routerAddresses = topology.RouterAddresses.Where(a => a.Interface != "lo").ToList();
            return new Probe(protocol, from, routerAddresses[random.Next(routerAddresses.Count)].Address, topology.NextSourcePort(), port);
        }
        var others = endpoints.Where(e => e != from).ToList();
        return new Probe(protocol, from, others[random.Next(others.Count)].Address, topology.NextSourcePort(), port);
    }
}
