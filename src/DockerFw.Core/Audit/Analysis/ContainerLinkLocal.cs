using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Routing;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// The link-local address a container's interface on a bridge solicits from, which Docker does not
/// report: any of fe80::/64 (RFC 4291 2.5.6) but those that cannot be a container's. Not the host's
/// own addresses on that bridge (its link-local address, Docker's fe80::1, the subnet-router anycast
/// fe80:: of a forwarding host): a link's addresses are unique, duplicate address detection fails a
/// container's copy and the kernel never solicits from a failed or tentative address (ndisc_send_ns,
/// ipv6_get_lladdr). Nor fe80:: anywhere: interface ID 0 is reserved (RFC 5453), no address the kernel
/// makes takes it. Only the host knows the addresses that a rule may set apart: a firewalld host's
/// strict reverse-path check drops its own addresses as sources (oracle F36, seed 5076), and counting
/// them among a container's left its neighbour discovery undecided; <see cref="HostOn"/> names them.
/// </summary>
public static class ContainerLinkLocal
{
    private static readonly UInt128 First = IpAddressValue.Parse("fe80::", IpFamily.V6);

    /// <summary>fe80::/64 but fe80:: itself: the addresses a container's interface may hold, whatever the host's.</summary>
    public static readonly IntervalSet Any = IntervalSet.Range(First + 1, IpAddressValue.Parse("fe80::ffff:ffff:ffff:ffff", IpFamily.V6));

    /// <summary>
    /// The host's own IPv6 addresses on <paramref name="bridge"/>, which no container there holds (nor
    /// sends from: a packet from one of them is the host's): those of its model and, where its routes
    /// were read, table local's local and anycast routes on the bridge (its link-local address, Docker's
    /// fe80::1, the subnet-router anycast addresses of a forwarding host, fe80:: and the subnet's first).
    /// </summary>
    public static IntervalSet HostOn(string bridge, HostModel host) => HostOn(bridge, host.Addresses, host.Routes);

    /// <summary>
    /// <see cref="HostOn(string, HostModel)"/> from the host's addresses and routes as known: the plan's
    /// proof has no host model, only the routes when they were read (<see cref="Policy.ResolvedPolicy.Routes"/>).
    /// </summary>
    public static IntervalSet HostOn(string bridge, IEnumerable<InterfaceAddress> addresses, RoutingTable? routes) => IntervalSet.FromValues(
        addresses.Where(a => a.Family == IpFamily.V6 && a.Interface == bridge).Select(a => a.Address)
            .Concat(routes?.Routes
                .Where(r => r.Family == IpFamily.V6 && r.Type is RouteType.Local or RouteType.Anycast && r.Device == bridge && r.Destination.Mask == IpFamily.V6.AllOnes())
                .Select(r => r.Destination.Address) ?? []));
}
