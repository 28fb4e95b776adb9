using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// A bridge network as the audit judges it in one family: its subnet of that family when known, and
/// the gateway (the host's address on the bridge).
/// </summary>
public sealed record AuditedNetwork(DockerNetwork Network, string Bridge, AddressMask? Subnet, UInt128 Gateway)
{
    public IpFamily Family { get; init; } = IpFamily.V4;

    // The host's address on a bridge whose subnet the rules never show: shared address space (RFC 6598).
    private static readonly UInt128 UnknownGateway = IpAddressValue.Parse("100.127.255.249", IpFamily.V4);

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
        if (subnet is null) return new(network, bridge, null, UnknownGateway);
        return new(network, bridge, subnet.Network, subnet.Gateway ?? subnet.Network.Bounds.First + 1) { Family = family };
    }

    public string Format(UInt128 address) => IpAddressValue.Format(address, Family);

    /// <summary>
    /// Where its containers may be: the subnet but the gateway; when the subnet is unknown (what
    /// DFW608 tells the user), every address outside the other networks' known subnets, never one
    /// made-up address standing for them.
    /// </summary>
    public IntervalSet ContainerAddressesAmong(IEnumerable<AuditedNetwork> networks) => Subnet is null
        ? IntervalSet.FromRanges(networks.Where(x => x.Subnet is not null).Select(x => x.Subnet!.Bounds)).Complement(Family.AllOnes())
        : IntervalSet.Range(Subnet.Bounds.First, Subnet.Bounds.Last).Subtract(IntervalSet.Single(Gateway));
}
