using System.Collections.Immutable;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Docker;

/// <summary>One route of a container's own table, as its kernel lists it.</summary>
public sealed record ContainerRoute(AddressMask Destination, UInt128 Gateway, string Device, long Metric)
{
    public bool IsDefault => Destination.Mask == 0;
}

/// <summary>
/// A container's routing table of one family as its network namespace holds it
/// (<c>/proc/PID/net/route</c>, <c>/proc/PID/net/ipv6_route</c>): observed, not inferred from Docker's
/// view, so it says which endpoint gives the container its default route where predicting it from
/// Docker's view is in doubt (<see cref="Audit.Analysis.DefaultGateway"/>: an unknown Engine version).
/// </summary>
public sealed record ContainerRouteTable(IpFamily Family, ImmutableArray<ContainerRoute> Routes)
{
    /// <summary>The default route the kernel takes: the lowest metric, the first listed of equals; null: none.</summary>
    public ContainerRoute? Default => Routes.Where(r => r.IsDefault).MinBy(r => r.Metric);
}
