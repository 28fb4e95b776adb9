using System.Collections.Immutable;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Routing;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// The interface the host's routes send a packet to a client out by: a reply leaves by the route to
/// its destination, not by the interface its connection came in on. A client that came in on eth1
/// but whose route is via eth0 gets its replies out eth0, where an <c>-o eth0</c> drop meets them.
/// Decided, from a complete table whose policy rules are the kernel's (local, main, default: the
/// longest prefix in the first table that has one, then the lowest metric), for every address whose
/// route is unicast by one device and chosen by the destination alone: that device. Elsewhere (no
/// route, a blackhole, a local or broadcast address, a throw route, a multipath route, which hashes
/// each flow to one of its nexthops, a route chosen by tos or source, policy rules of the admin's) it
/// is left to the caller, which keeps the connection's own interface (symmetric routing) and says so.
/// </summary>
public sealed class ClientRoutes
{
    private readonly ImmutableArray<(IntervalSet Clients, ImmutableArray<string> Devices)> ways;

    private ClientRoutes(ImmutableArray<(IntervalSet, ImmutableArray<string>)> ways)
    {
        this.ways = ways;
        Decided = ways.Aggregate(IntervalSet.Empty, (s, w) => s.Union(w.Item1));
    }

    /// <summary>The addresses whose way out the routes decide.</summary>
    public IntervalSet Decided { get; }

    /// <summary>The routes' answers for a family; null when the table was not read whole.</summary>
    public static ClientRoutes? Of(RoutingTable? table, IpFamily family)
    {
        if (table is not { Complete: true }) return null;
        var rules = table.RulesOf(family);
        if (rules is { KernelDefaults: false }) return new ClientRoutes([]);
        ImmutableArray<string> tables = rules is { } read ? read.Tables : ["local", "main", "default"];
        var groups = table.Routes.Where(r => r.Family == family && tables.Contains(r.Table) && r.Destination.IsContiguous)
            .GroupBy(r => (Rank: tables.IndexOf(r.Table), r.Destination)).ToArray();
        var partition = RoutePartition.Of(family, groups.Select((g, i) => (g.Key.Rank, g.Key.Destination, i)));
        var byDevices = new Dictionary<string, (List<(UInt128, UInt128)> Ranges, ImmutableArray<string> Devices)>(StringComparer.Ordinal);
        foreach (var (first, last, group) in partition.Runs)
        {
            if (group < 0 || Out(groups[group]) is not { } devices) continue;
            var key = string.Join('\n', devices);
            if (!byDevices.TryGetValue(key, out var entry)) byDevices[key] = entry = ([], devices);
            entry.Ranges.Add((first, last));
        }

        return new ClientRoutes([.. byDevices.Values.Select(v => (IntervalSet.FromRanges(v.Ranges), v.Devices))]);
    }

    /// <summary>The one device the lowest-metric unicast route of one prefix leaves by; null when the destination alone does not decide.</summary>
    private static ImmutableArray<string>? Out(IEnumerable<Semantics.Routing.Route> group)
    {
        var ordered = group.OrderBy(r => r.Metric).ToArray();
        var best = ordered.Where(r => r.Metric == ordered[0].Metric).ToArray();
        if (best.Any(r => r.Type != RouteType.Unicast || r.Selective)) return null;
        ImmutableArray<string> devices = [.. best.SelectMany(r => r.Devices).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        return devices.Length == 1 ? devices : null;
    }

    /// <summary>
    /// <paramref name="packet"/> cut by its destination into the pieces the routes decide, each sent out
    /// by its route's interfaces in <paramref name="space"/>; the rest as it was (its own output interface).
    /// </summary>
    public IEnumerable<Box> Routed(Box packet, PacketSpace space)
    {
        var destinations = packet[Dimension.Dst];
        foreach (var (clients, devices) in ways)
        {
            var mine = destinations.Intersect(clients);
            if (mine.IsEmpty) continue;
            var leaving = devices.Aggregate(IntervalSet.Empty, (s, d) => s.Union(IntervalSet.Single((UInt128)space.Interfaces.SymbolOf(d))));
            yield return packet.With(Dimension.Dst, mine).With(Dimension.Out, leaving);
        }

        var rest = destinations.Subtract(Decided);
        if (!rest.IsEmpty) yield return packet.With(Dimension.Dst, rest);
    }
}
