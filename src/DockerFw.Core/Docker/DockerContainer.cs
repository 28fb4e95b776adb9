using System.Collections.Immutable;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Docker;

/// <summary>A container's attachment to one network.</summary>
public sealed record DockerEndpoint(string Network, string? NetworkId, UInt128? Ipv4, UInt128? Ipv6, ImmutableArray<string> Aliases)
{
    /// <summary>
    /// Docker 28's gateway priority (<c>--gw-priority</c>, EndpointSettings.GwPriority): the endpoint
    /// with the highest one gives the container its default route; 0 when not set (and before 28).
    /// </summary>
    public long GwPriority { get; init; }

    /// <summary>The endpoint's address of one family (null: none of that family on this network).</summary>
    public UInt128? Address(IpFamily family) => family == IpFamily.V4 ? Ipv4 : Ipv6;
}

/// <summary>A published port: host address and port to the container port.</summary>
public sealed record PortBinding(string Protocol, int ContainerPort, string? HostIp, int? HostPort);

/// <summary>A legacy <c>--link</c>: this container reaches <see cref="Target"/> under <see cref="Alias"/>.</summary>
public sealed record ContainerLink(string Target, string Alias);

/// <summary>
/// A container as <c>docker inspect</c> shows it. <see cref="NetworkMode"/> is <c>bridge</c>, a network
/// name, <c>host</c>, <c>none</c> or <c>container:ID</c>.
/// </summary>
public sealed record DockerContainer(
    string Name,
    string Id,
    bool Running,
    string NetworkMode,
    ImmutableArray<DockerEndpoint> Endpoints,
    ImmutableArray<string> ExposedPorts,
    ImmutableArray<PortBinding> Ports,
    ImmutableArray<ContainerLink> Links)
{
    public bool UsesHostNetwork => NetworkMode == "host";

    /// <summary>The container's main process (<c>State.Pid</c>): live mode reads its namespace's routes through /proc; 0 when not running or not given.</summary>
    public int Pid { get; init; }

    /// <summary>
    /// The container's own routing tables (one per family read) as its network namespace held them when
    /// the host was read: live mode and capture read <c>/proc/State.Pid/net/route</c> and <c>ipv6_route</c>,
    /// offline <c>--container-routes</c> gives them. Not part of Docker's JSON; empty when not read (the
    /// default routes are then inferred as libnetwork chooses them).
    /// </summary>
    public ImmutableArray<ContainerRouteTable> ObservedRoutes { get; init; } = [];

    /// <summary>The observed table of one family; null when it was not read.</summary>
    public ContainerRouteTable? ObservedRoutesOf(IpFamily family) => ObservedRoutes.FirstOrDefault(t => t.Family == family);

    /// <summary>
    /// The exposed ports a legacy link opens, <c>5432/tcp</c> read as (tcp, 5432): Docker writes the
    /// protocol (a bare number is tcp); other protocols and malformed entries open nothing.
    /// </summary>
    public IEnumerable<(string Protocol, int Port)> LinkPorts => ExposedPorts.Select(ParseExposed).OfType<(string, int)>().Distinct();

    private static (string, int)? ParseExposed(string exposed)
    {
        var slash = exposed.IndexOf('/');
        var proto = slash < 0 ? "tcp" : exposed[(slash + 1)..];
        return int.TryParse(slash < 0 ? exposed : exposed[..slash], out var port) && port is >= 0 and <= 65535
            && proto is "tcp" or "udp" or "sctp" ? (proto, port) : null;
    }

    /// <summary>The container whose network namespace this one shares, for <c>container:X</c>.</summary>
    public string? SharesNamespaceWith =>
        NetworkMode.StartsWith("container:", StringComparison.Ordinal) ? NetworkMode["container:".Length..] : null;
}
