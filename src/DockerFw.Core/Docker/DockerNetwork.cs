using System.Collections.Immutable;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Docker;

/// <summary>
/// A Docker network as the Engine describes it, with the bridge options that decide its rules.
/// Bridge, icc and masquerade are resolved from the options with Docker's own defaults.
/// </summary>
public sealed record DockerNetwork(
    string Name,
    string Id,
    string Driver,
    ImmutableArray<DockerSubnet> Subnets,
    bool Internal,
    bool EnableIcc,
    bool EnableIpMasquerade,
    string? HostBindingIpv4,
    string? GatewayModeIpv4,
    string? BridgeOption,
    bool IsDefaultBridge)
{
    /// <summary>
    /// The bridge device: the <c>com.docker.network.bridge.name</c> option, else <c>docker0</c> for
    /// the default bridge, else <c>br-</c> and the first 12 characters of the id.
    /// </summary>
    public string? Bridge => Driver != "bridge"
        ? null
        : BridgeOption ?? (IsDefaultBridge ? "docker0" : "br-" + Id[..Math.Min(12, Id.Length)]);

    /// <summary>The address outbound traffic is SNATed to (<c>com.docker.network.host_ipv4</c>), if any.</summary>
    public string? SnatTo { get; init; }

    /// <summary><c>com.docker.network.bridge.gateway_mode_ipv6</c> (<c>nat</c>, <c>routed</c>, ...), null when not set.</summary>
    public string? GatewayModeIpv6 { get; init; }

    /// <summary>The VXLAN settings of an overlay network (driver <c>overlay</c>); null for other drivers.</summary>
    public OverlaySettings? Overlay
    {
        get => overlay ?? (Driver == "overlay" ? OverlaySettings.None : null);
        init => overlay = value;
    }

    private readonly OverlaySettings? overlay;

    public IEnumerable<DockerSubnet> SubnetsOf(IpFamily family) => Subnets.Where(s => s.Network.Family == family);
}

/// <summary>One IPAM pool of a network: the subnet and, where known, its gateway.</summary>
public sealed record DockerSubnet(AddressMask Network, UInt128? Gateway);
