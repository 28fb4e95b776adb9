using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// Where a container's own routing table sends a packet of the audit's family: out of its interface
/// on the network whose subnet holds the destination (Docker gives each endpoint of the family a
/// connected route: the IPv4 subnet, the IPv6 /64), else out of the endpoint that gives it its
/// default route of that family (<see cref="DefaultGateway"/>). A multi-homed container therefore
/// answers a client on one of its networks from that network, whichever network the question came
/// in on, and a request from it leaves by one network only, whatever address a report pairs it with.
/// Both families are routed here, the same way (oracle F10 for IPv4, F14 and F19 for IPv6).
/// </summary>
public static class ContainerRoutes
{
    /// <summary>
    /// The endpoint (network and the container's address on it) a packet to <paramref name="destination"/>
    /// leaves by; <see cref="RouteOutcome.None"/> when the container has no route to it,
    /// <see cref="RouteOutcome.Unknown"/> when it leaves by a network the audit does not judge, and
    /// <see cref="RouteOutcome.Undecided"/> when Docker's view cannot tell which default route it has.
    /// </summary>
    public static Route Leaving(DockerContainer container, UInt128 destination, AuditInputs inputs)
    {
        var family = inputs.Family;
        foreach (var endpoint in container.Endpoints.Where(e => e.Address(family) is not null))
            if (inputs.View.NetworkByName(endpoint.Network) is { } network && network.SubnetsOf(family).Any(s => s.Network.Contains(destination)))
                return Of(network, endpoint, inputs);
        var gateway = DefaultGateway.Of(container, family, inputs.View);
        return gateway switch
        {
            { Endpoint: null, Why: { } why } => new Route(RouteOutcome.Undecided, null, 0) { Why = why },
            { Endpoint: null } => new Route(RouteOutcome.None, null, 0),
            { Network: null } => new Route(RouteOutcome.Unknown, null, 0),
            _ => Of(gateway.Network, gateway.Endpoint, inputs),
        };
    }

    private static Route Of(DockerNetwork network, DockerEndpoint endpoint, AuditInputs inputs) =>
        inputs.NetworkNamed(network.Name) is { } audited
            ? new Route(RouteOutcome.Known, audited, endpoint.Address(inputs.Family)!.Value)
            : new Route(RouteOutcome.Unknown, null, 0);
}

/// <summary>Whether a container's route is known, missing, through a network the audit does not judge, or not decidable from Docker's view.</summary>
public enum RouteOutcome
{
    Known,
    None,
    Unknown,
    Undecided,
}

/// <summary>A container's route to an address: the bridge network it leaves by and its own address there.</summary>
public sealed record Route(RouteOutcome Outcome, AuditedNetwork? Network, UInt128 Address)
{
    /// <summary>Why the route cannot be decided (<see cref="RouteOutcome.Undecided"/>).</summary>
    public string? Why { get; init; }
}
