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

    // IPv4 addresses and masks as 32-bit keys: a fleet of 1,000 looks up some 10 million (a UInt128 key hashes and compares slower).
    private readonly (uint Mask, Dictionary<uint, Route> First)[] _runs;

    private RouteIndex(RoutingTable table, IpFamily family)
    {
        var runs = new List<(uint, Dictionary<uint, Route>)>();
        foreach (var route in table.InLookupOrder())
        {
            if (route.Family != family) continue;
            var mask = (uint)route.Destination.Mask;
            if (runs.Count == 0 || runs[^1].Item1 != mask) runs.Add((mask, []));
            runs[^1].Item2.TryAdd((uint)route.Destination.Address, route);
        }

        _runs = [.. runs];
    }

    /// <summary>The IPv4 route <see cref="RoutingTable.Lookup"/> gives, found by hashing.</summary>
    public static Route? Lookup(RoutingTable table, UInt128 destination) =>
        Indexes.GetValue(table, t => new RouteIndex(t, IpFamily.V4)).Find(destination);

    private Route? Find(UInt128 destination)
    {
        // An address above IPv4's is in no IPv4 route.
        if (destination > uint.MaxValue) return null;
        var address = (uint)destination;
        foreach (var (mask, first) in _runs)
            if (first.TryGetValue(address & mask, out var route)) return route;
        return null;
    }
}
