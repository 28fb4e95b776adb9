using System.Collections.Immutable;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Routing;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// The interfaces the host's routes send a packet to a client out by: a reply leaves by the route to
/// its destination, not by the interface its connection came in on. A client that came in on eth1
/// but whose route is via eth0 gets its replies out eth0, where an <c>-o eth0</c> drop meets them.
/// Decided, from a complete table whose policy rules are the kernel's (local, main, default: the
/// longest prefix in the first table that has one, then the lowest metric), for every address whose
/// route is unicast and chosen by the destination alone: its device, or, for a multipath route, every
/// device of its nexthops (the kernel hashes each flow to one of them, which no rule tells: a reply
/// may take any). An address with no route at all, or a blackhole, unreachable or prohibit route, is
/// <see cref="Unrouted"/>: the kernel sends nothing there (the reply is never sent). Elsewhere (a
/// local or broadcast address, a throw route, several routes of one prefix and metric by different
/// devices, a route chosen by tos or source, a route by a nexthop object only, policy rules of the
/// admin's) it is left to the caller, which keeps the connection's own interface (symmetric routing)
/// and says so.
/// </summary>
public sealed class ClientRoutes
{
    private ClientRoutes(ImmutableArray<ClientWay> ways, ImmutableArray<(IntervalSet Clients, Semantics.Routing.Route? Route)> unrouted)
    {
        Ways = ways;
        Unrouted = unrouted;
        Decided = ways.Aggregate(IntervalSet.Empty, (s, w) => s.Union(w.Clients));
        UnroutedClients = unrouted.Aggregate(IntervalSet.Empty, (s, u) => s.Union(u.Clients));
    }

    /// <summary>The clients the routes send out, each run by the devices of its route.</summary>
    public ImmutableArray<ClientWay> Ways { get; }

    /// <summary>The addresses whose way out the routes decide (<see cref="Ways"/>).</summary>
    public IntervalSet Decided { get; }

    /// <summary>The addresses the host has no way to: no route (null), or a route that drops (blackhole, unreachable, prohibit).</summary>
    public ImmutableArray<(IntervalSet Clients, Semantics.Routing.Route? Route)> Unrouted { get; }

    /// <summary>Every address of <see cref="Unrouted"/>.</summary>
    public IntervalSet UnroutedClients { get; }

    /// <summary>The routes' answers for a family; null when the table was not read whole.</summary>
    public static ClientRoutes? Of(RoutingTable? table, IpFamily family)
    {
        if (table is not { Complete: true }) return null;
        var rules = table.RulesOf(family);
        if (rules is { KernelDefaults: false }) return new ClientRoutes([], []);
        ImmutableArray<string> tables = rules is { } read ? read.Tables : ["local", "main", "default"];
        var groups = table.Routes.Where(r => r.Family == family && tables.Contains(r.Table) && r.Destination.IsContiguous)
            .GroupBy(r => (Rank: tables.IndexOf(r.Table), r.Destination)).ToArray();
        var partition = RoutePartition.Of(family, groups.Select((g, i) => (g.Key.Rank, g.Key.Destination, i)));
        // Grouped by the devices they leave by: what a reply's fate depends on.
        var byDevices = new Dictionary<string, (List<(UInt128, UInt128)> Ranges, ImmutableArray<string> Devices, List<Semantics.Routing.Route> Routes)>(StringComparer.Ordinal);
        var unrouted = new Dictionary<Semantics.Routing.Route, List<(UInt128, UInt128)>>(ReferenceEqualityComparer.Instance);
        var none = new List<(UInt128, UInt128)>();
        foreach (var (first, last, group) in partition.Runs)
        {
            if (group < 0)
            {
                none.Add((first, last));
                continue;
            }

            var best = Best(groups[group]);
            if (best.All(r => r.Type == RouteType.Unroutable && !r.Selective))
            {
                (unrouted.TryGetValue(best[0], out var runs) ? runs : unrouted[best[0]] = []).Add((first, last));
                continue;
            }

            if (Out(best) is not { } devices) continue;
            var key = string.Join('\n', devices);
            if (!byDevices.TryGetValue(key, out var entry)) byDevices[key] = entry = ([], devices, []);
            entry.Ranges.Add((first, last));
            if (!entry.Routes.Contains(best[0])) entry.Routes.Add(best[0]);
        }

        ImmutableArray<(IntervalSet, Semantics.Routing.Route?)> dead = [.. unrouted.Select(u => (IntervalSet.FromRanges(u.Value), (Semantics.Routing.Route?)u.Key)),
            .. none.Count == 0 ? [] : new[] { (IntervalSet.FromRanges(none), (Semantics.Routing.Route?)null) }];
        return new ClientRoutes([.. byDevices.Values.Select(v => new ClientWay(IntervalSet.FromRanges(v.Ranges), v.Devices, [.. v.Routes]))], dead);
    }

    /// <summary>The routes of one prefix the kernel chooses among: those of the lowest metric.</summary>
    private static Semantics.Routing.Route[] Best(IEnumerable<Semantics.Routing.Route> group)
    {
        var ordered = group.OrderBy(r => r.Metric).ToArray();
        return [.. ordered.Where(r => r.Metric == ordered[0].Metric)];
    }

    /// <summary>
    /// The devices the route of one prefix leaves by: one route's device, or a multipath route's
    /// nexthops'; null when the destination alone does not decide (several routes by different devices,
    /// a route that is not unicast, one chosen by tos or source, one that names no device).
    /// </summary>
    private static ImmutableArray<string>? Out(Semantics.Routing.Route[] best)
    {
        if (best.Any(r => r.Type != RouteType.Unicast || r.Selective)) return null;
        ImmutableArray<string> devices = [.. best.SelectMany(r => r.Devices).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        return devices.Length == 0 ? null : best.Length == 1 || devices.Length == 1 ? devices : null;
    }

    /// <summary>
    /// <paramref name="packet"/> cut by its destination into the pieces the routes decide, one per
    /// device each may leave by in <paramref name="space"/>; the rest as it was (its own output
    /// interface). The unrouted addresses are left out: nothing is sent to them.
    /// </summary>
    public IEnumerable<Box> Routed(Box packet, PacketSpace space)
    {
        var destinations = packet[Dimension.Dst];
        foreach (var way in Ways)
        {
            var mine = destinations.Intersect(way.Clients);
            if (mine.IsEmpty) continue;
            foreach (var symbol in way.Symbols(space))
                yield return packet.With(Dimension.Dst, mine).With(Dimension.Out, IntervalSet.Single((UInt128)symbol));
        }

        var rest = destinations.Subtract(Decided).Subtract(UnroutedClients);
        if (!rest.IsEmpty) yield return packet.With(Dimension.Dst, rest);
    }
}

/// <summary>Clients whose routes (<see cref="Routes"/>) leave by <see cref="Devices"/>: one, or a multipath route's nexthops'.</summary>
public sealed record ClientWay(IntervalSet Clients, ImmutableArray<string> Devices, ImmutableArray<Semantics.Routing.Route> Routes)
{
    /// <summary>Whether the kernel picks one of several devices per flow (a multipath route).</summary>
    public bool Multipath => Devices.Length > 1;

    /// <summary>The interface symbols the devices have in <paramref name="space"/> (two unnamed devices may share one).</summary>
    public IEnumerable<int> Symbols(PacketSpace space) => Devices.Select(space.Interfaces.SymbolOf).Distinct();
}
