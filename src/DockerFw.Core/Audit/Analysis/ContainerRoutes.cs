using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// Where a container's own routing table sends a packet of the audit's family: out of its interface
/// on the network whose subnet holds the destination (Docker gives each endpoint of the family a
/// connected route: the IPv4 subnet, the IPv6 /64), else out of the endpoint that gives it its
/// default route of that family. A multi-homed container therefore answers a client on one of its
/// networks from that network, whichever network the question came in on, and a request from it
/// leaves by one network only, whatever address a report pairs it with. Both families are routed
/// here, the same way (oracle F10 for IPv4, F14 for IPv6).
/// </summary>
public static class ContainerRoutes
{
    /// <summary>
    /// The endpoint (network and the container's address on it) a packet to <paramref name="destination"/>
    /// leaves by; <see cref="RouteOutcome.None"/> when the container has no route to it, and
    /// <see cref="RouteOutcome.Unknown"/> when it leaves by a network the audit does not judge.
    /// </summary>
    public static Route Leaving(DockerContainer container, UInt128 destination, AuditInputs inputs)
    {
        var family = inputs.Family;
        var endpoints = container.Endpoints.Where(e => e.Address(family) is not null)
            .Select(e => (Endpoint: e, Network: inputs.View.Networks.FirstOrDefault(n => n.Name == e.Network)))
            .ToList();
        foreach (var (endpoint, network) in endpoints)
            if (network is not null && network.SubnetsOf(family).Any(s => s.Network.Contains(destination)))
                return Of(network, endpoint, inputs);
        // An address no connected subnet holds: the default route of the family. libnetwork takes the
        // first endpoint in its order: the highest gw-priority (Docker 28's --gw-priority, 0 when
        // unset), internal networks last, dual-stack first, then by network name. An internal
        // network's IPv6 endpoint gives no default route (oracle F14: a container whose only IPv6
        // network is internal has none); its IPv4 endpoint does (the lab's kernel shows `default via`
        // its gateway, MultiHomedScenarioTests). Docker 20.10 takes both routes from one gateway
        // endpoint, which this order matches only in part: oracle F19 is open.
        var gateway = endpoints.Where(x => family == IpFamily.V4 || x.Network?.Internal != true)
            .OrderByDescending(x => x.Endpoint.GwPriority)
            .ThenBy(x => x.Network?.Internal == true)
            .ThenBy(x => x.Endpoint is { Ipv4: not null, Ipv6: not null } ? 0 : 1)
            .ThenBy(x => x.Endpoint.Network, StringComparer.Ordinal)
            .FirstOrDefault();
        if (gateway.Endpoint is null) return new Route(RouteOutcome.None, null, 0);
        if (gateway.Network is null) return new Route(RouteOutcome.Unknown, null, 0);
        return Of(gateway.Network, gateway.Endpoint, inputs);
    }

    private static Route Of(DockerNetwork network, DockerEndpoint endpoint, AuditInputs inputs) =>
        inputs.Networks.FirstOrDefault(n => n.Name == network.Name) is { } audited
            ? new Route(RouteOutcome.Known, audited, endpoint.Address(inputs.Family)!.Value)
            : new Route(RouteOutcome.Unknown, null, 0);
}

/// <summary>Whether a container's route is known, missing, or leaves by a network the audit does not judge.</summary>
public enum RouteOutcome
{
    Known,
    None,
    Unknown,
}

/// <summary>A container's route to an address: the bridge network it leaves by and its own address there.</summary>
public sealed record Route(RouteOutcome Outcome, AuditedNetwork? Network, UInt128 Address);
