using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// Whether the replies of a routing-mesh port's connections come back, asked as a published port's
/// are (<see cref="PortReplies"/>: the same drop search and <see cref="ReplyFates"/>), over every
/// connection the filter lets in. DOCKER-INGRESS's DNAT sends a connection to the ingress sandbox on
/// docker_gwbridge; the sandbox answers from that address and port (IPVS's own NAT is inside it),
/// ESTABLISHED with the connection's virtual states, in on docker_gwbridge (its only route out) and
/// out by the host's route to the client, else the interface the connection came in on; conntrack
/// gives the reply the host's address back only in POSTROUTING. So
/// <c>-A DOCKER-USER -i docker_gwbridge -m conntrack --ctstate ESTABLISHED -j DROP</c>, a raw or mangle
/// PREROUTING drop, or an nft chain's, kills the port though every request gets in.
/// </summary>
public static class IngressReplies
{
    /// <param name="accepted">The regions the filter accepts, each with its connections to the port range judged (as they arrived).</param>
    public static PortReplies Of(IReadOnlyList<(ReachRegion Region, PacketSet Packets)> accepted, SymbolicPasses passes, AuditInputs inputs)
    {
        var space = passes.Space;
        var arrived = PortReplies.Arriving(accepted.Aggregate(PacketSet.Empty, (s, x) => s.Union(x.Packets)), passes, inputs);
        if (arrived.IsEmpty) return PortReplies.None;
        var routes = ClientRoutes.Of(inputs.HostModel.Routes, inputs.Family);
        var (dying, uncertain, doubts, deciding) = (PacketSet.Empty, PacketSet.Empty, new List<string>(), new List<ReachRegion>());
        foreach (var (region, packets) in accepted)
        {
            var mine = arrived.Intersect(packets);
            if (mine.IsEmpty || Dnat(region, inputs) is not { To: { First: { } first } to }) continue;
            var replies = new PacketSet([.. mine.Boxes.SelectMany(b => ConnectionNat.Replies(ReplyFate.Mirror(b
                    .With(Dimension.Dst, IntervalSet.Range(first, to.Last ?? first))
                    .With(Dimension.Dport, to.Ports is { } p ? IntervalSet.Range((UInt128)p.First, (UInt128)p.Last) : b[Dimension.Dport])), ConnectionNat.Of(region)))
                .SelectMany(r => routes?.Routed(r, space) ?? [r])]);
            // Replies of connections to the host's ports (the original tuple's destination), DNATed on.
            var told = ToldConnection.Replies
                .Knowing(Dimension.Dst, mine.Boxes.Aggregate(IntervalSet.Empty, (s, b) => s.Union(b[Dimension.Dst])))
                .Knowing(Dimension.Dport, mine.Boxes.Aggregate(IntervalSet.Empty, (s, b) => s.Union(b[Dimension.Dport])));
            var dropping = PortReplies.Dropping(replies, passes, inputs, told: told);
            if (dropping.Count == 0) continue;
            // A DNAT that keeps the port answers each connection from its own port: judged per part of
            // the ports where the same drops meet the replies, so a drop of 8081's replies is not 8080's.
            var parts = to.Ports is null ? Parts(mine, dropping) : [null];
            foreach (var part in parts)
            {
                var fates = ReplyFates.Of(part is null ? mine : Cut(mine, Dimension.Dport, part),
                    part is null ? dropping : [.. dropping.Select(r => r with { Packets = Cut(r.Packets, Dimension.Sport, part) }).Where(r => !r.Packets.IsEmpty)],
                    routes, space);
                deciding.AddRange(fates.Deciding);
                doubts.AddRange(fates.Doubts);
                // A DNAT to a range picks one address and port of it per connection, which no rule tells.
                if (to.Last is { } last && last != first || to.Ports is { } range && range.First != range.Last)
                {
                    var some = fates.Dying.Union(fates.Uncertain);
                    uncertain = uncertain.Union(some);
                    if (!some.IsEmpty)
                        doubts.Add($"the DNAT to {Format(to)} gives each connection one address and port of its range, and the filter drops the replies from some of them");
                }
                else (dying, uncertain) = (dying.Union(fates.Dying), uncertain.Union(fates.Uncertain));
            }
        }

        var unrouted = routes is null ? PacketSet.Empty : PortReplies.Clients(arrived, routes.UnroutedClients);
        uncertain = uncertain.Subtract(dying);
        return new PortReplies(arrived.Subtract(dying).Subtract(uncertain).Subtract(unrouted), dying, PortReplies.EvidenceOf(deciding.Distinct(), inputs))
        {
            Unrouted = unrouted,
            UnroutedWhy = unrouted.IsEmpty ? [] : [.. routes!.Unrouted.Where(u => !PortReplies.Clients(arrived, u.Clients).IsEmpty).Select(u => PortReplies.Why(u.Clients, u.Route, inputs.Family))],
            Uncertain = uncertain,
            Doubts = [.. doubts.Distinct()],
        };
    }

    /// <summary>The DNAT the region's way went through (the last one: the one that decided where it goes).</summary>
    private static DnatTarget? Dnat(ReachRegion region, AuditInputs inputs) =>
        region.Rules.Select(r => PortReach.SourceOf(inputs.Ruleset, r)?.Target).OfType<DnatTarget>().LastOrDefault();

    /// <summary>The connections' ports cut where some dropping region's replies' source ports begin or end.</summary>
    private static List<IntervalSet?> Parts(PacketSet connections, IReadOnlyList<ReachRegion> dropping)
    {
        var ports = connections.Boxes.Aggregate(IntervalSet.Empty, (s, b) => s.Union(b[Dimension.Dport]));
        var parts = new List<IntervalSet> { ports };
        foreach (var region in dropping)
        {
            var from = region.Packets.Boxes.Aggregate(IntervalSet.Empty, (s, b) => s.Union(b[Dimension.Sport]));
            parts = [.. parts.SelectMany(p => new[] { p.Intersect(from), p.Subtract(from) }).Where(p => !p.IsEmpty)];
        }

        return [.. parts];
    }

    private static PacketSet Cut(PacketSet packets, Dimension dimension, IntervalSet values) =>
        new([.. packets.Boxes.Select(b => b.With(dimension, b[dimension].Intersect(values))).Where(b => !b.IsEmpty)]);

    private static string Format(NatRange to) =>
        $"{IpAddressValue.Format(to.First!.Value, to.Family)}{(to.Last is { } l && l != to.First ? $"-{IpAddressValue.Format(l, to.Family)}" : "")}{(to.Ports is { } p ? $":{p.First}{(p.Last != p.First ? $"-{p.Last}" : "")}" : "")}";
}
