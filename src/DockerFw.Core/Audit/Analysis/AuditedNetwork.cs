using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// A bridge network as the audit probes it in one family: its subnet of that family when known, the gateway (the host's
/// address on the bridge), and two probe addresses taken from the top of the subnet, where Docker's
/// allocator (which starts at the bottom) rarely puts a container that rules single out.
/// </summary>
public sealed record AuditedNetwork(DockerNetwork Network, string Bridge, AddressMask? Subnet, UInt128 Gateway, UInt128 ProbeA, UInt128 ProbeB)
{
    public IpFamily Family { get; init; } = IpFamily.V4;

    // Shared address space (RFC 6598) for networks whose subnet the rules never show.
    private static readonly UInt128 UnknownSubnetProbe = IpAddressValue.Parse("100.127.255.250", IpFamily.V4);

    public string Name => Network.Name;

    /// <summary>
    /// Null for a network without a bridge, and in IPv6 for a network without an IPv6 subnet: its
    /// containers have no IPv6 address, so there is nothing to judge.
    /// </summary>
    public static AuditedNetwork? Of(DockerNetwork network, IpFamily family = IpFamily.V4)
    {
        if (network.Bridge is not { } bridge) return null;
        var subnet = network.SubnetsOf(family).FirstOrDefault();
        if (subnet is null && family == IpFamily.V6) return null;
        if (subnet is null) return new(network, bridge, null, UnknownSubnetProbe - 1, UnknownSubnetProbe, UnknownSubnetProbe + 1);
        var (first, last) = subnet.Network.Bounds;
        var gateway = subnet.Gateway ?? first + 1;
        // A /30 or smaller has no room for two probes away from the gateway; use what there is.
        var a = last - first >= 4 ? last - 2 : first + 2;
        var b = last - first >= 4 ? last - 1 : first + 2;
        return new(network, bridge, subnet.Network, gateway, a, b) { Family = family };
    }

    public string Format(UInt128 address) => IpAddressValue.Format(address, Family);
}
