using System.Collections.Immutable;
using System.Net;
using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// The containers' IPv4 routes as the oracle recorded them (<c>container-routes</c>, read as the audit's
/// <c>--container-routes</c> reads it: <see cref="ContainerRoutesFile"/>), asked which gateway or connected
/// network a container's packet to an address leaves by. A request source-NATed to an address off the
/// server's network is answered to that address by the server's own route, not always the way it came
/// (seed 5153: n0's <c>host_ipv4</c> SNAT to a host address, answered by c0's default route on another bridge).
/// </summary>
public sealed class ServerRoutes(string dump)
{
    private readonly ImmutableDictionary<string, ImmutableArray<ContainerRouteTable>> tables =
        ContainerRoutesFile.Read(dump, "container-routes").Value ?? ImmutableDictionary<string, ImmutableArray<ContainerRouteTable>>.Empty;

    /// <summary>
    /// The address the container's packet to <paramref name="to"/> is handed to first: its route's gateway,
    /// or <paramref name="to"/> itself on a connected network. Null when none of its routes reaches
    /// <paramref name="to"/> (then it never answers there).
    /// </summary>
    public IPAddress? NextHop(string container, IPAddress to)
    {
        var target = IpAddressValue.Parse(to.ToString(), IpFamily.V4);
        var best = Table(container)?.Routes.Where(r => r.Destination.Contains(target)).MaxBy(r => UInt128.PopCount(r.Destination.Mask));
        return best is null ? null : best.Gateway == 0 ? to : IPAddress.Parse(IpAddressValue.Format(best.Gateway, IpFamily.V4));
    }

    /// <summary>Whether the container's IPv4 routes were recorded.</summary>
    public bool Knows(string container) => Table(container) is not null;

    private ContainerRouteTable? Table(string container) =>
        tables.TryGetValue(container, out var read) ? read.FirstOrDefault(t => t.Family == IpFamily.V4) : null;
}
