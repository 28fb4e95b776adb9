using System.Collections.Immutable;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// The service ports of swarm's routing mesh, found by what the rules do rather than by chain names:
/// every new connection from outside (any client but the containers, any port, in on any interface that
/// is no bridge and not loopback: <see cref="OutsideInterfaces"/>, oracle F41, so Docker's recipe
/// <c>-i eth0 ! -s 192.168.1.1 -j DROP</c> is judged on eth0 and the answer is exact per interface) to every address the
/// host may have (<see cref="HostModel.LocalAddresses"/>: DOCKER-INGRESS's hook is <c>--dst-type
/// LOCAL</c>, and no address stands for the others), followed by the symbolic engine through every
/// table towards docker_gwbridge; the connections a DNAT sends into docker_gwbridge's subnet (Docker's
/// DOCKER-INGRESS sends them to the ingress sandbox, which IPVS then balances over the service's tasks)
/// are the published ports, and the filter's verdict on them says whether they get in. Ports are
/// grouped by their fate, so an open port beside a blocked one is not one partial range; a partial
/// range says which clients, host addresses and input interfaces get in (<see cref="PortClientsOf"/>).
/// Connections dropped before the DNAT are the port's too (<see cref="BeforeDnat"/>, oracle F42).
/// </summary>
public static class IngressPorts
{
    public static ImmutableArray<IngressPortReport> Judge(AuditInputs inputs, SymbolicPasses passes, AuditedNetwork gwbridge)
    {
        if (gwbridge.Subnet is not { } subnet) return [];
        var space = passes.Space;
        var everyHost = inputs.HostModel.LocalAddresses;
        var outside = inputs.Networks.Where(n => n.Subnet is not null)
            .Aggregate(IntervalSet.Empty, (s, n) => s.Union(IntervalSet.Range(n.Subnet!.Bounds.First, n.Subnet.Bounds.Last)))
            .Complement(space.MaxOf(Dimension.Src));
        var reports = ImmutableArray.CreateBuilder<IngressPortReport>();
        foreach (var (protocol, name) in new[] { (Protocol.Tcp, "tcp"), (Protocol.Udp, "udp") })
        {
            var query = new ReachQuery(PacketPath.Forward)
            {
                Out = new InterfacePattern(gwbridge.Bridge),
                Protocol = Protocol.FromNumber(protocol),
                State = ConntrackStates.New,
                Opening = true,
            }.ToPacketSet(space).Intersect(passes.Whole().With(Dimension.Src, outside).With(Dimension.Dst, everyHost)
                .With(Dimension.In, OutsideInterfaces.Of(space, inputs)));
            var result = SymbolicEngine.Reach(passes.Rules, PacketPath.Forward, query);
            var nated = result.Regions.Select(r => (Region: r, To: DnatInto(inputs, r, subnet))).Where(x => x.To is not null).ToList();
            foreach (var group in nated.GroupBy(x => x.To!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var regions = group.Select(x => x.Region).ToList();
                regions.AddRange(DroppedBeforeDnat(inputs, space, result.Regions.Where(r => nated.All(x => x.Region != r)), regions, subnet));
                var ranges = Fates(regions).SelectMany(f => f.Ports.Ranges.Select(r => (f.Verdict, r.First, r.Last))).OrderBy(r => r.First);
                foreach (var (verdict, first, last) in ranges)
                    reports.Add(Report(inputs, passes, everyHost, name, group.Key, regions, verdict, first, last));
            }
        }

        return reports.ToImmutable();
    }

    /// <summary>
    /// The connections to the service's ports that a rule drops before the DNAT could send them on
    /// (oracle F42: raw or mangle PREROUTING, an nft prerouting chain below the DNAT's priority, such as
    /// <c>-t raw -A PREROUTING -i eth0 --dport 8080 -j DROP</c>): the mesh's too, kept out as surely as
    /// by a filter drop after it. Each region is cut to the service's ports, as the DNAT met them.
    /// </summary>
    private static IEnumerable<ReachRegion> DroppedBeforeDnat(AuditInputs inputs, PacketSpace space, IEnumerable<ReachRegion> others,
        IReadOnlyList<ReachRegion> service, AddressMask subnet)
    {
        var priority = BeforeDnat.DnatPriority(service[0], inputs.Ruleset, r => r.Target is DnatTarget { To.First: { } to } && subnet.Contains(to));
        var ports = service.SelectMany(r => r.Packets.Boxes).Aggregate(IntervalSet.Empty, (s, b) => s.Union(b[Dimension.Dport]));
        var early = BeforeDnat.Dropped(others, inputs.Ruleset, priority, space, loopback: true);
        var portsOnly = PacketSet.Of(space.Whole().With(Dimension.Dport, ports));
        return early.Regions.Select(r => r with { Packets = r.Packets.Intersect(early.Packets).Intersect(portsOnly) }).Where(r => !r.Packets.IsEmpty);
    }

    /// <summary>The ports by fate: every connection accepted, every one dropped, some of each, or some undecidable.</summary>
    private static IEnumerable<(PathVerdict Verdict, IntervalSet Ports)> Fates(IReadOnlyList<ReachRegion> regions)
    {
        IntervalSet Ports(Func<ReachVerdict, bool> which) => regions.Where(r => which(r.Verdict))
            .SelectMany(r => r.Packets.Boxes).Aggregate(IntervalSet.Empty, (s, b) => s.Union(b[Dimension.Dport]));
        var accepted = Ports(v => v == ReachVerdict.Accept);
        var blocked = Ports(v => v is ReachVerdict.Drop or ReachVerdict.Reject);
        var maybe = Ports(v => v == ReachVerdict.Maybe);
        yield return (PathVerdict.Open, accepted.Subtract(blocked).Subtract(maybe));
        yield return (PathVerdict.Blocked, blocked.Subtract(accepted).Subtract(maybe));
        yield return (PathVerdict.Partial, accepted.Intersect(blocked).Subtract(maybe));
        yield return (PathVerdict.Uncertain, maybe);
    }

    private static IngressPortReport Report(AuditInputs inputs, SymbolicPasses passes, IntervalSet everyHost, string protocol, string to,
        IReadOnlyList<ReachRegion> regions, PathVerdict verdict, UInt128 first, UInt128 last)
    {
        var space = passes.Space;
        var range = IntervalSet.Range(first, last);
        // The regions' connections to these ports alone: what is judged, and what passes.
        var within = regions.Select(r => (Region: r, Packets: new PacketSet([.. r.Packets.Boxes
                .Select(b => b.With(Dimension.Dport, b[Dimension.Dport].Intersect(range))).Where(b => !b.IsEmpty)])))
            .Where(x => !x.Packets.IsEmpty).ToList();
        var deciding = within
            .Where(x => verdict is PathVerdict.Open or PathVerdict.Uncertain || x.Region.Verdict is ReachVerdict.Drop or ReachVerdict.Reject)
            .Select(x => EvidenceOf.Deciding(x.Region) is { } rule
                ? EvidenceOf.Rule(inputs.Ruleset, rule, x.Region.Verdict == ReachVerdict.Accept ? "lets the port in" : "keeps the port out")
                : new Evidence("filter", "FORWARD", 0, 0, "policy of filter/FORWARD", "keeps the port out"))
            .Distinct().ToImmutableArray();
        PacketSet Union(IEnumerable<PacketSet> sets) => sets.Aggregate(PacketSet.Empty, (s, p) => s.Union(p));
        var partial = verdict == PathVerdict.Partial
            ? PortClientsOf.Of(Union(within.Where(x => x.Region.Verdict == ReachVerdict.Accept).Select(x => x.Packets)),
                Union(within.Select(x => x.Packets)), space, everyHost)
            : null;
        // The replies of the connections that get in (a blocked port has none).
        var replies = IngressReplies.Of([.. within.Where(x => x.Region.Verdict == ReachVerdict.Accept)], passes, inputs);
        return new IngressPortReport(protocol, first == last ? $"{first}" : $"{first}-{last}", to, OverlayFacts.Word(verdict), deciding)
        {
            Partial = partial,
            RepliesDropped = replies.Dying.IsEmpty ? null : replies.AllDie ? "all" : Connections(replies.Dying, replies.Arrived, space, range),
            RepliesUnrouted = replies.Unrouted.IsEmpty ? null
                : replies.Unrouted.SameAs(replies.Arrived) ? "all" : Connections(replies.Unrouted, replies.Arrived, space, range),
            RepliesUncertain = replies.Uncertain.IsEmpty ? null
                : $"{Connections(replies.Uncertain, replies.Arrived, space, range)}: {string.Join("; ", replies.Doubts)}",
            RepliesDroppedBy = replies.Evidence,
            UnroutedWhy = replies.UnroutedWhy,
        };
    }

    /// <summary>
    /// Some of a range's connections in the published ports' words (<see cref="PortClientsOf.Connections"/>),
    /// each piece led by the ports it is to when not every port of the range (<c>to port 8081</c>): a
    /// published port is one port, a range of the mesh's is several.
    /// </summary>
    private static string Connections(PacketSet some, PacketSet judged, PacketSpace space, IntervalSet range) =>
        string.Join(", ", some.Boxes.GroupBy(b => b[Dimension.Dport].Intersect(range))
            .Select(g => (Words: g.Key.Equals(range) ? PortClientsOf.Connections(new PacketSet([.. g]), judged, space)
                : PortClientsOf.Connections(new PacketSet([.. g]), Cut(judged, g.Key), space), Ports: g.Key))
            // One piece per wording, its ports together: a drop of 50 services' replies reads "to ports 8100-8149".
            .GroupBy(p => p.Words, StringComparer.Ordinal)
            .Select(g => (g.Key, Ports: g.Aggregate(IntervalSet.Empty, (s, p) => s.Union(p.Ports))))
            .Select(p =>
            {
                if (p.Ports.Equals(range)) return p.Key;
                var to = $"to port{(p.Ports.Cardinality == 1 ? "" : "s")} {string.Join(",", p.Ports.Ranges.Select(r => r.First == r.Last ? $"{r.First}" : $"{r.First}-{r.Last}"))}";
                return p.Key == "some connections" ? to : $"{p.Key} {to}";
            }));

    private static PacketSet Cut(PacketSet packets, IntervalSet ports) =>
        new([.. packets.Boxes.Select(b => b.With(Dimension.Dport, b[Dimension.Dport].Intersect(ports))).Where(b => !b.IsEmpty)]);

    /// <summary>Where the region's DNAT sends it, when into docker_gwbridge's subnet (the ingress sandbox); else null.</summary>
    private static string? DnatInto(AuditInputs inputs, ReachRegion region, AddressMask subnet) =>
        region.Rules.Select(r => PortReach.SourceOf(inputs.Ruleset, r)?.Target).OfType<DnatTarget>()
            .LastOrDefault(t => t.To is { First: { } first } && subnet.Contains(first))?.To is { } to
            ? IpAddressValue.Format(to.First!.Value, IpFamily.V4)
            : null;
}
