using System.Collections.Immutable;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// A published port's connections, as they arrived, by what the filter does to their replies
/// (<see cref="PortReplies"/>). A reply to a client the routes leave undecided leaves by its
/// connection's own interface: those connections die exactly where that interface's replies are
/// dropped. A reply to a routed client leaves by its route's device, whatever interface the connection
/// came in on; under a multipath route by one of its nexthops' devices, which the kernel's hash picks
/// per flow and no rule tells: the connection surely dies only where the replies are dropped by every
/// one of them, and is uncertain (said, with why) where they are dropped by some only.
/// </summary>
internal sealed record ReplyFates(PacketSet Dying, PacketSet Uncertain, ImmutableArray<string> Doubts, ImmutableArray<ReachRegion> Deciding)
{
    private static readonly ReplyFates None = new(PacketSet.Empty, PacketSet.Empty, [], []);

    /// <param name="arrived">The connections as they arrived.</param>
    /// <param name="dropping">The regions of their replies (one per device each may leave by) the filter surely drops.</param>
    /// <param name="routes">The host's routes to the clients; null when not read whole.</param>
    public static ReplyFates Of(PacketSet arrived, IReadOnlyList<ReachRegion> dropping, ClientRoutes? routes, PacketSpace space)
    {
        var dead = dropping.Aggregate(PacketSet.Empty, (s, r) => s.Union(r.Packets));
        if (dead.IsEmpty) return None;
        var max = space.MaxOf(Dimension.Dst);
        var (sure, uncertain, surelyDead) = (new List<PacketSet>(), new List<Box>(), PacketSet.Empty);
        var doubts = ImmutableArray.CreateBuilder<string>();
        foreach (var way in routes?.Ways ?? [])
        {
            var mine = Cut(dead, way.Clients);
            if (mine.IsEmpty) continue;
            var byDevice = way.Symbols(space).Select(s => (Symbol: s, Dead: Projected(mine.Intersect(space.Whole().With(Dimension.Out, IntervalSet.Single((UInt128)s))), space))).ToList();
            var all = byDevice.Select(d => d.Dead).Aggregate((a, b) => a.Intersect(b));
            var some = byDevice.Select(d => d.Dead).Aggregate((a, b) => a.Union(b));
            sure.Add(all);
            surelyDead = surelyDead.Union(mine.Intersect(all));
            var maybe = some.Subtract(all);
            if (maybe.IsEmpty) continue;
            uncertain.AddRange(Back(arrived, maybe, byInterface: false));
            doubts.Add(Doubt(way, [.. byDevice.Where(d => !d.Dead.Intersect(maybe).IsEmpty).Select(d => d.Symbol)], maybe, space));
        }

        // Undecided by the routes: out by the connection's own interface.
        var mirrored = Cut(dead, routes is null ? IntervalSet.Range(0, max) : routes.Decided.Union(routes.UnroutedClients).Complement(max));
        surelyDead = surelyDead.Union(mirrored);
        // Per connection as it arrived, the routed replies before the others (as the words list them).
        var dying = arrived.Boxes.SelectMany(a => sure.SelectMany(d => Back(PacketSet.Of(a), d, byInterface: false))
            .Concat(Back(PacketSet.Of(a), mirrored, byInterface: true)));

        var certain = new PacketSet([.. dying.Where(b => !b.IsEmpty)]);
        return new ReplyFates(certain, new PacketSet([.. uncertain.Where(b => !b.IsEmpty)]).Subtract(certain), doubts.ToImmutable(),
            [.. dropping.Where(r => !r.Packets.Intersect(surelyDead).IsEmpty)]);
    }

    /// <summary>The replies to <paramref name="clients"/>.</summary>
    private static PacketSet Cut(PacketSet replies, IntervalSet clients) =>
        new([.. replies.Boxes.Select(b => b.With(Dimension.Dst, b[Dimension.Dst].Intersect(clients))).Where(b => !b.IsEmpty)]);

    /// <summary>The replies whatever device they leave by: what one device's fate is compared on with another's.</summary>
    private static PacketSet Projected(PacketSet replies, PacketSpace space) =>
        new([.. replies.Boxes.Select(b => b.With(Dimension.Out, space.Full(Dimension.Out)))]);

    /// <summary>
    /// The connections of <paramref name="arrived"/> whose replies are among <paramref name="replies"/>:
    /// a reply names its client and the client's source port, and, where it left by the connection's
    /// own interface (<paramref name="byInterface"/>), that interface.
    /// </summary>
    private static IEnumerable<Box> Back(PacketSet arrived, PacketSet replies, bool byInterface) =>
        arrived.Boxes.SelectMany(a => replies.Boxes.Select(d =>
        {
            var connections = a
                .With(Dimension.Sport, a[Dimension.Sport].Intersect(d[Dimension.Dport]))
                .With(Dimension.Proto, a[Dimension.Proto].Intersect(d[Dimension.Proto]))
                .With(Dimension.Src, a[Dimension.Src].Intersect(d[Dimension.Dst]));
            return byInterface ? connections.With(Dimension.In, a[Dimension.In].Intersect(d[Dimension.Out])) : connections;
        })).Where(b => !b.IsEmpty);

    private static string Doubt(ClientWay way, IReadOnlyList<int> dropping, PacketSet maybe, PacketSpace space)
    {
        var clients = maybe.Boxes.Aggregate(IntervalSet.Empty, (s, b) => s.Union(b[Dimension.Dst]));
        var to = FlowText.Addresses(clients, IntervalSet.Range(0, space.MaxOf(Dimension.Dst)), space.Family) ?? "every client";
        var by = way.Devices.Where(d => dropping.Contains(space.Interfaces.SymbolOf(d))).ToList();
        return $"the replies to {to} leave by {string.Join(" or ", way.Devices)} (the multipath route{(way.Routes.Length == 1 ? "" : "s")} to {string.Join(", ", way.Routes.Select(r => r.Destination))}: the kernel hashes each connection to one nexthop) "
            + $"and the filter drops them by {string.Join(" or ", by)} only";
    }
}
