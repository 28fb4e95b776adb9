using System.Collections.Immutable;
using DockerFw.Core.Host;

namespace DockerFw.Core.Fleet;

/// <summary>
/// One host of a fleet as read from its bundle: the host every command sees, its links, and the name
/// fleet calls it by (the bundle's name: hosts captured in namespaces of one machine share a host name).
/// </summary>
public sealed record FleetHost(string Name, LoadedHost Host, ImmutableArray<HostLink> Links)
{
    /// <summary>What the rest of the fleet needs of this host, without its rules.</summary>
    public HostSummary Summary() => HostSummary.Of(this);

    /// <summary>Each network's IPRange (<see cref="NetworkPools"/>): none when the bundle's networks were not read for it.</summary>
    public ImmutableDictionary<string, Model.Values.AddressMask> Pools { get; init; } = ImmutableDictionary<string, Model.Values.AddressMask>.Empty;
}
