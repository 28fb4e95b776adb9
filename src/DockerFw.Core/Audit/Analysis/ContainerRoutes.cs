using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// Where a container's own routing table sends an IPv4 packet: out of its interface on the network
/// whose subnet holds the destination (Docker gives each endpoint a connected route), else out of its
/// default gateway's network. A multi-homed container therefore answers a client on one of its
/// networks from that network, whichever network the question came in on, and a request from it
/// leaves by one network only, whatever address a report pairs it with.
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
        var endpoints = container.Endpoints.Where(e => e.Ipv4 is not null)
            .Select(e => (Endpoint: e, Network: inputs.View.Networks.FirstOrDefault(n => n.Name == e.Network)))
            .ToList();
        foreach (var (endpoint, network) in endpoints)
            if (network is not null && network.SubnetsOf(IpFamily.V4).Any(s => s.Network.Contains(destination)))
                return Of(network, endpoint, inputs);
        // An address no connected subnet holds: the default route, on the endpoint Docker makes the
        // gateway (libnetwork's order: the highest gw-priority first (Docker 28's --gw-priority, 0
        // when unset), then internal networks last, dual-stack first, then by name).
        var gateway = endpoints.OrderByDescending(x => x.Endpoint.GwPriority)
            .ThenBy(x => x.Network?.Internal == true)
            .ThenBy(x => x.Network is { } n && n.SubnetsOf(IpFamily.V6).Any() ? 0 : 1)
            .ThenBy(x => x.Endpoint.Network, StringComparer.Ordinal)
            .Select(x => x)
            .FirstOrDefault();
        if (gateway.Endpoint is null) return new Route(RouteOutcome.None, null, 0);
        if (gateway.Network is null) return new Route(RouteOutcome.Unknown, null, 0);
        return Of(gateway.Network, gateway.Endpoint, inputs);
    }

    private static Route Of(DockerNetwork network, DockerEndpoint endpoint, AuditInputs inputs) =>
        inputs.Networks.FirstOrDefault(n => n.Name == network.Name) is { } audited
            ? new Route(RouteOutcome.Known, audited, endpoint.Ipv4!.Value)
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
