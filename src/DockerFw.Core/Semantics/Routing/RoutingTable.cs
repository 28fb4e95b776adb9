using System.Collections.Immutable;
using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Routing;

/// <summary>
/// The host's routes, looked up as the kernel's default policy rules do: table <c>local</c>, then
/// <c>main</c>, then <c>default</c>; in a table the longest prefix wins, then the lowest metric.
/// <see cref="Complete"/> says whether a miss is an answer (the whole table was read) or only means
/// "not a connected subnet" (the table was made from addresses, and a default route may exist).
/// </summary>
public sealed record RoutingTable(ImmutableArray<Route> Routes, bool Complete)
{
    public static RoutingTable Unknown { get; } = new([], false);

    /// <summary>
    /// The policy rules of each family read with the routes (live mode, a bundle); a family without
    /// an entry was not read, and its lookups assume the kernel's own rules.
    /// </summary>
    public ImmutableArray<PolicyRules> Rules { get; init; } = [];

    /// <summary>The rules read for <paramref name="family"/>; null when they were not read.</summary>
    public PolicyRules? RulesOf(IpFamily family) => Rules.FirstOrDefault(r => r.Family == family);

    private static readonly string[] LookupOrder = ["local", "main", "default"];

    public bool IsEmpty => Routes.IsEmpty;

    public Route? Lookup(IpFamily family, UInt128 destination)
    {
        foreach (var table in Ordered())
            foreach (var route in table)
            {
                if (route.Family != family || !route.Destination.Contains(destination)) continue;
                // A throw route sends the lookup on to the next table (the next policy rule).
                if (route.Type == RouteType.Throw) break;
                return route;
            }

        return null;
    }

    /// <summary>Every route in the order <see cref="Lookup"/> tries them (fleet's index hashes them in that order).</summary>
    internal IEnumerable<Route> InLookupOrder() => Ordered().SelectMany(t => t);

    // Each table of LookupOrder's routes, longest prefix first, then lowest metric (a stable sort: as
    // listed among equals), made once per table: a fleet looks up millions of addresses. Kept beside
    // the record, not in it, so that two tables of the same routes stay equal.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<RoutingTable, Route[][]> OrderedTables = new();

    private Route[][] Ordered() => OrderedTables.GetValue(this, t => [.. LookupOrder.Select(table => t.Routes.Where(r => r.Table == table)
        .OrderByDescending(r => r.Destination.PrefixLength ?? 0).ThenBy(r => r.Metric).ToArray())]);

    /// <summary>
    /// The host's addresses as a complete table knows them: its local routes (table local), each with
    /// the prefix of the connected route on the same device that holds it (the broadcast address and
    /// MASQUERADE need it). Null when the table is not complete, and so cannot say which are all.
    /// </summary>
    public ImmutableArray<InterfaceAddress>? LocalAddresses()
    {
        if (!Complete) return null;
        return [.. Routes
            .Where(r => r.Type == RouteType.Local && r.Device is not null && r.Destination.PrefixLength == r.Family.Bits())
            .Select(r => new InterfaceAddress(r.Device!, r.Family, r.Destination.Address, Routes
                .Where(c => c.Type == RouteType.Unicast && c.Device == r.Device && c.Family == r.Family && c.Gateway is null && c.Destination.Contains(r.Destination.Address) && c.Destination.PrefixLength > 0)
                .Select(c => c.Destination.PrefixLength ?? r.Family.Bits()).DefaultIfEmpty(r.Family.Bits()).Max()))
            .Distinct()];
    }

    /// <summary>
    /// Offline, without a routing table: the routes the kernel makes for each address on its own
    /// (a local route for the address, a connected route for its subnet), for the host's addresses
    /// and the gateways Docker puts on its bridges. No default route is known: <see cref="Complete"/> is false.
    /// </summary>
    public static RoutingTable Connected(IEnumerable<InterfaceAddress> addresses, DockerView docker)
    {
        var routes = new List<Route>();
        foreach (var a in addresses.Distinct())
        {
            routes.Add(new Route(RouteType.Local, AddressMask.Host(a.Family, a.Address), a.Interface, null, "local", 0));
            routes.Add(new Route(RouteType.Unicast, AddressMask.FromPrefix(a.Family, a.Network, a.PrefixLength), a.Interface, null, "main", 0));
        }

        // Docker puts each subnet's gateway on the network's bridge, which makes the subnet's route
        // there; the JSON does not always name the gateway, the subnet is enough to route.
        foreach (var network in docker.Networks)
        {
            if (network.Bridge is not { } bridge) continue;
            foreach (var subnet in network.Subnets)
            {
                if (subnet.Gateway is { } gateway)
                    routes.Add(new Route(RouteType.Local, AddressMask.Host(subnet.Network.Family, gateway), bridge, null, "local", 0));
                routes.Add(new Route(RouteType.Unicast, subnet.Network, bridge, null, "main", 0));
            }
        }

        return new RoutingTable([.. routes], Complete: false);
    }
}
