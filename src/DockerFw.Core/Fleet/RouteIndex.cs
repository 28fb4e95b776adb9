using System.Runtime.CompilerServices;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Routing;

namespace DockerFw.Core.Fleet;

/// <summary>
/// <see cref="RoutingTable.Lookup"/> for the millions of addresses a fleet looks up (each host's way
/// to each peer's networks and containers, three times a run), by hashing instead of trying every
/// route: the table's routes in the order Lookup tries them, cut into runs of one mask, each run a
/// map from its masked address to the first of its routes. The first run that holds the address
/// masked gives the route Lookup's scan would find first. Made once per table and family.
/// </summary>
internal sealed class RouteIndex
{
    private static readonly ConditionalWeakTable<RoutingTable, RouteIndex> Indexes = new();

    private readonly (UInt128 Mask, Dictionary<UInt128, Route> First)[] _runs;

    private RouteIndex(RoutingTable table, IpFamily family)
    {
        var runs = new List<(UInt128, Dictionary<UInt128, Route>)>();
        foreach (var route in table.InLookupOrder())
        {
            if (route.Family != family) continue;
            if (runs.Count == 0 || runs[^1].Item1 != route.Destination.Mask) runs.Add((route.Destination.Mask, []));
            runs[^1].Item2.TryAdd(route.Destination.Address, route);
        }

        _runs = [.. runs];
    }

    /// <summary>The IPv4 route <see cref="RoutingTable.Lookup"/> gives, found by hashing.</summary>
    public static Route? Lookup(RoutingTable table, UInt128 destination) =>
        Indexes.GetValue(table, t => new RouteIndex(t, IpFamily.V4)).Find(destination);

    private Route? Find(UInt128 destination)
    {
        foreach (var (mask, first) in _runs)
            if (first.TryGetValue(destination & mask, out var route)) return route;
        return null;
    }
}
