using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Semantics.Routing;

/// <summary>
/// The addresses IPv4 MASQUERADE may give a connection that leaves by a device, from the host's routes
/// read whole. The kernel (<c>nf_nat_masquerade_ipv4</c>) takes <c>inet_select_addr(out, nexthop,
/// RT_SCOPE_UNIVERSE)</c>: the device's first primary address whose subnet holds the route's next hop
/// (its gateway, or the destination on a link route), else its first primary address; never a
/// secondary one, and never the route's own <c>src</c>. A primary address is the one the kernel made
/// its device's connected route for (<c>proto kernel</c>, <c>prefsrc</c>); a secondary one (a second
/// address in the same subnet, as a host's extra published-port address often is) has none. So the
/// lab's uplink with 198.51.100.2/24 and 198.51.100.3/24 masquerades to .2 alone. Where the routes
/// cannot say (no connected route on the device, an address of it in no such route's subnet: a /32, a
/// <c>noprefixroute</c> address, whose place in the device's list is unknown), null: any of its addresses.
/// </summary>
public static class MasqueradeAddresses
{
    public static IntervalSet? Of(RoutingTable routes, string device, IpFamily family)
    {
        if (!routes.Complete || family != IpFamily.V4) return null;
        var primaries = routes.Routes
            .Where(r => r is { Kernel: true, Type: RouteType.Unicast, Gateway: null, PreferredSource: not null }
                && r.Family == family && r.Device == device && r.Destination.PrefixLength > 0)
            .Select(r => (Subnet: r.Destination, Address: r.PreferredSource!.Value))
            .Distinct().ToList();
        if (primaries.Count == 0) return null;
        var local = routes.Routes.Where(r => r.Type == RouteType.Local && r.Family == family && r.Device == device
            && r.Destination.PrefixLength == family.Bits()).Select(r => r.Destination.Address);
        if (local.Any(a => !primaries.Any(p => p.Subnet.Contains(a)))) return null;
        var every = IntervalSet.FromValues(primaries.Select(p => p.Address).Distinct());
        var given = IntervalSet.Empty;
        foreach (var route in routes.Routes.Where(r => r.Type == RouteType.Unicast && r.Family == family && r.Devices.Contains(device)))
        {
            // A gateway is one next hop; a link route's next hop is the destination itself, any address of it.
            var nexthops = route.Gateway is { } g ? IntervalSet.Single(g) : Range(route.Destination);
            var holding = primaries.Where(p => Range(p.Subnet).Intersect(nexthops).Equals(nexthops)).Select(p => p.Address).ToList();
            var touching = primaries.Where(p => !Range(p.Subnet).Intersect(nexthops).IsEmpty).Select(p => p.Address).ToList();
            // One primary holds every next hop and no other meets them: that one. Else the device's
            // first (the list's order is not in the routes): any primary.
            given = given.Union(holding.Count == 1 && touching.Count == 1 ? IntervalSet.Single(holding[0]) : every);
        }

        return given.IsEmpty ? every : given;
    }

    private static IntervalSet Range(AddressMask mask) => IntervalSet.Range(mask.Bounds.First, mask.Bounds.Last);
}
