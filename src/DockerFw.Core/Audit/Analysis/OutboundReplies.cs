using System.Collections.Immutable;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// Whether the replies of a masqueraded network's connections out come back (oracle F35): the
/// answer from outside is de-NATed before FORWARD (conntrack undoes the MASQUERADE in PREROUTING), so
/// FORWARD sees it from the remote address to the container, ESTABLISHED, in on the uplink, out on the
/// bridge: a rule on the container's address there (<c>-d 172.30.11.2 -j DROP</c>, an ipset matched
/// <c>dst</c>), or on a remote source, leaves the connections one-way while the NAT itself is as it
/// should be. Proven over every new connection from the network's containers (those Docker's view
/// names, else every address of the subnet but the gateway) to every address outside the container
/// subnets, by every interface that is no bridge: exact per container, remote address, protocol and
/// ports both ways. Whether the filter lets the requests out is the host's egress policy, not this
/// fact (an internal network's way out is closed on purpose). A reply the rules only may accept is not
/// called dropped (<see cref="PortReplies.Dropped"/>). Of the connections whose replies come back,
/// those whose later packets (ESTABLISHED, out the way the opening went) the filter drops carry no
/// data (oracle F38, <see cref="LaterDropped"/>).
/// </summary>
public sealed record OutboundReplies(bool AllDie, string? Dropped, ImmutableArray<Evidence> Evidence)
{
    public static readonly OutboundReplies Returned = new(false, null, []);

    /// <summary>The connections out whose replies come back but whose later packets die: <c>all</c>, or those in words; null when none.</summary>
    public string? LaterDropped { get; init; }

    /// <summary>Some reply dies as it arrives, before conntrack undoes the NAT (raw or mangle PREROUTING): no ACCEPT in FORWARD saves it.</summary>
    public bool DroppedBeforeNat { get; init; }

    /// <summary>The rules that drop the later packets.</summary>
    public ImmutableArray<Evidence> LaterEvidence { get; init; } = [];

    /// <summary>
    /// The connections out whose replies die as they arrive for some of the addresses or ports the NAT
    /// may give them and not for others (which one it gives is not known): <c>all</c>, or those in words; null when none.
    /// </summary>
    public string? Uncertain { get; init; }

    /// <summary>Why <see cref="Uncertain"/>'s replies may die: for which addresses (or ports) they die and not, and why which one is not known.</summary>
    public string? UncertainWhy { get; init; }

    // A list of connections names its pieces; past this many the rest are counted.
    private const int MaxPieces = 4;

    public static OutboundReplies Of(AuditedNetwork n, AuditInputs inputs, SymbolicPasses passes)
    {
        var space = passes.Space;
        var sources = Sources(n, inputs);
        if (sources.IsEmpty) return Returned;
        var outside = inputs.ContainerSubnets.Complement(space.MaxOf(Dimension.Dst));
        // Out by no bridge of Docker's, of either family: the IPv4-only networks' bridges carry no IPv6
        // out of the host, and their replies would meet the isolation rules of the family's rules.
        var bridges = inputs.View.Networks.Select(x => x.Bridge).OfType<string>()
            .Aggregate(IntervalSet.Empty, (s, b) => s.Union(space.Interfaces.Matching(new InterfacePattern(b))));
        var requests = Openings.Of(SymbolicPasses.NewFromOutside(space, inputs, Dimension.Out).Intersect(space.Whole()
            .With(Dimension.Out, bridges.Complement(space.MaxOf(Dimension.Out)))
            .With(Dimension.In, space.Interfaces.Matching(new InterfacePattern(n.Bridge)))
            .With(Dimension.Src, sources)
            .With(Dimension.Dst, outside)));
        // No connection leaves by an interface no device of the host stands for (when its devices are known).
        var masquerade = MasqueradeSources.Of(space, inputs);
        if (masquerade.Known) requests = requests.Intersect(space.Whole().With(Dimension.Out, masquerade.Phantom().Complement(space.MaxOf(Dimension.Out))));
        if (requests.IsEmpty) return Returned;
        // Every reply and later packet of a masqueraded connection is SNAT (conntrack's virtual state):
        // each connection's, from the NAT its way out took.
        var nat = ConnectionNat.Cut(requests, passes);
        var replies = new PacketSet([.. nat.SelectMany(x => ConnectionNat.Replies(ReplyFate.Mirror(x.Box), x.Nat))]);
        // The replies and the requests' later packets asked in one verdict walk: most hosts accept both.
        // Where a rule tells a connection's direction (ToldConnection), each is asked as what it is.
        var laterPackets = new PacketSet([.. nat.Select(x => LaterPackets.Of(x.Box, x.Nat))]);
        var apart = ToldConnection.Tested(passes.Rules);
        var accepted = apart ? passes.Accepted(replies, answers: true, told: ToldConnection.Replies) : passes.Accepted(replies.Union(laterPackets), answers: true);
        var laterAccepted = apart ? passes.Accepted(laterPackets, answers: true, told: ToldConnection.Original) : accepted;
        // Asked de-NATed for the chains after nat's PREROUTING; as they arrive for those before it.
        var (dead, evidence) = PortReplies.Dropped(replies, passes, inputs, deNatedInPrerouting: true, accepted: accepted, told: ToldConnection.Replies);
        var arrivals = ArrivingReplies.Of(requests, masquerade, passes, inputs);
        var (arriving, arrivingEvidence) = (arrivals.Dying, arrivals.Evidence);
        // Back to the connections: a dead reply names the container, the remote end and both ports.
        var dying = dead.IsEmpty ? arriving : new PacketSet([.. requests.Boxes.SelectMany(r => dead.Boxes.Select(d => r
                .With(Dimension.Src, r[Dimension.Src].Intersect(d[Dimension.Dst]))
                .With(Dimension.Dst, r[Dimension.Dst].Intersect(d[Dimension.Src]))
                .With(Dimension.Proto, r[Dimension.Proto].Intersect(d[Dimension.Proto]))
                .With(Dimension.Sport, r[Dimension.Sport].Intersect(d[Dimension.Dport]))
                .With(Dimension.Dport, r[Dimension.Dport].Intersect(d[Dimension.Sport]))
                // ICMP's queries by their replies' types: a drop of timestamp replies leaves echo a connection.
                .With(Dimension.IcmpType, r[Dimension.IcmpType].Intersect(IcmpStates.Answered(d, r)))
                .With(Dimension.Out, r[Dimension.Out].Intersect(d[Dimension.In]))))
            .Where(b => !b.IsEmpty)]).Union(arriving);
        evidence = [.. evidence.Concat(arrivingEvidence).Distinct()];
        // Replies that die for some of the addresses the NAT may give and not for others: said uncertain, with why.
        var maybe = dying.IsEmpty ? arrivals.Uncertain : arrivals.Uncertain.Subtract(dying);
        var uncertain = maybe.IsEmpty ? null : requests.Subtract(maybe).IsEmpty ? "all" : Words(maybe, requests, sources, outside, space);
        var why = maybe.IsEmpty ? null : string.Join("; ", arrivals.Doubts);
        var all = !dying.IsEmpty && requests.Subtract(dying).IsEmpty;
        // Only the connections whose replies surely come back are asked for their later packets.
        var returning = dying.IsEmpty ? requests : requests.Subtract(dying);
        if (!maybe.IsEmpty) returning = returning.Subtract(maybe);
        var (laterDropped, laterEvidence) = Later(returning, nat, sources, outside, passes, inputs, laterAccepted);
        if (dying.IsEmpty) return Returned with { LaterDropped = laterDropped, LaterEvidence = laterEvidence, Uncertain = uncertain, UncertainWhy = why };
        return new(all, all ? "all" : Words(dying, requests, sources, outside, space), evidence)
        {
            LaterDropped = laterDropped, LaterEvidence = laterEvidence, DroppedBeforeNat = !arriving.IsEmpty, Uncertain = uncertain, UncertainWhy = why,
        };
    }

    /// <summary>
    /// The later packets of the connections whose replies come back: ESTABLISHED, TCP's with ACK set,
    /// the way the opening went (out of the bridge, before POSTROUTING's MASQUERADE, which nat does
    /// not ask again), so FORWARD sees the container's address as it saw the opening's.
    /// </summary>
    private static (string? Dropped, ImmutableArray<Evidence> Evidence) Later(PacketSet returning, List<(Box Box, ConntrackStates Nat)> nat, IntervalSet sources, IntervalSet outside,
        SymbolicPasses passes, AuditInputs inputs, IReadOnlyList<Box> accepted)
    {
        if (returning.IsEmpty) return (null, []);
        var later = new PacketSet([.. nat.SelectMany(x => returning.Boxes.Select(r => r.Intersect(x.Box)).OfType<Box>().Select(b => LaterPackets.Of(b, x.Nat)))]);
        var (dead, evidence) = PortReplies.Dropped(later, passes, inputs, role: "drops the requests' later packets", accepted: accepted, told: ToldConnection.Original);
        if (dead.IsEmpty) return (null, []);
        var dying = new PacketSet([.. returning.Boxes.SelectMany(r => dead.Boxes.Select(d => r
                .With(Dimension.Src, r[Dimension.Src].Intersect(d[Dimension.Src]))
                .With(Dimension.Dst, r[Dimension.Dst].Intersect(d[Dimension.Dst]))
                .With(Dimension.Proto, r[Dimension.Proto].Intersect(d[Dimension.Proto]))
                .With(Dimension.Sport, r[Dimension.Sport].Intersect(d[Dimension.Sport]))
                .With(Dimension.Dport, r[Dimension.Dport].Intersect(d[Dimension.Dport]))
                // A later packet has its opening's ICMP type (a second echo request): a drop of timestamp requests leaves echo's.
                .With(Dimension.IcmpType, r[Dimension.IcmpType].Intersect(d[Dimension.IcmpType]))
                .With(Dimension.Out, r[Dimension.Out].Intersect(d[Dimension.Out]))))
            .Where(b => !b.IsEmpty)]);
        // Only connections the filter lets out have later packets (a request to 127.0.0.1 dies in raw
        // PREROUTING, a FORWARD without Docker's rules drops it): whether it does is the egress policy,
        // asked here only of the few whose later packets die.
        dying = new PacketSet([.. passes.Accepted(dying)]);
        if (dying.IsEmpty) return (null, []);
        return (returning.Subtract(dying).IsEmpty ? "all" : Words(dying, returning, sources, outside, passes.Space), evidence);
    }

    private static IntervalSet Side(PacketSet set, Dimension side) => set.Boxes.Aggregate(IntervalSet.Empty, (s, b) => s.Union(b[side]));

    /// <summary>The network's containers as the view names them, else every address of its subnet but the gateway.</summary>
    private static IntervalSet Sources(AuditedNetwork n, AuditInputs inputs)
    {
        if (inputs.ViewInferred) return n.ContainerAddressesAmong(inputs.Networks);
        var named = inputs.View.EndpointsOn(n.Name).Select(x => x.Endpoint.Address(inputs.Family)).OfType<UInt128>()
            .Aggregate(IntervalSet.Empty, (s, a) => s.Union(IntervalSet.Single(a)));
        return named.IsEmpty ? n.ContainerAddressesAmong(inputs.Networks) : named;
    }

    /// <summary>The connections whose replies die, as <c>from 172.30.11.2 to 203.0.113.0/24 tcp/443</c>, naming only the sides where they are not all.</summary>
    private static string Words(PacketSet dying, PacketSet requests, IntervalSet sources, IntervalSet outside, PacketSpace space)
    {
        // Every connection between some containers and some remote addresses by some interfaces (a
        // rule on addresses or interfaces alone): those sides say it all, whatever the protocols and ports.
        var outs = Side(requests, Dimension.Out);
        var (from, to, via) = (Side(dying, Dimension.Src), Side(dying, Dimension.Dst), Side(dying, Dimension.Out));
        var claimed = requests.Intersect(space.Whole().With(Dimension.Src, from).With(Dimension.Dst, to).With(Dimension.Out, via));
        if (claimed.Subtract(dying).IsEmpty)
            return string.Join(" ", new[]
            {
                FlowText.Addresses(from, sources, space.Family) is { } f ? $"from {f}" : null,
                FlowText.Addresses(to, outside, space.Family) is { } t ? $"to {t}" : null,
                FlowText.Via(via, outs, space) is { } v ? $"via {v}" : null,
            }.OfType<string>());
        var pieces = dying.Boxes.Select(b =>
        {
            var words = new List<string>();
            if (FlowText.Addresses(b[Dimension.Src], sources, space.Family) is { } from) words.Add($"from {from}");
            if (FlowText.Addresses(b[Dimension.Dst], outside, space.Family) is { } to) words.Add($"to {to}");
            var protocol = FlowText.Protocols(b[Dimension.Proto], space);
            if (protocol != "all") words.Add(FlowText.Ports(b, space) is { } ports ? $"{protocol}/{ports}" : protocol);
            // ICMP's connections by their queries' types: a drop of timestamp replies leaves ping's.
            if (FlowText.IcmpTypes(FlowText.IcmpTypesOf(b, space), space) is { } types) words.Add(FlowWords.IcmpTypes(types));
            if (FlowText.SourcePorts(b, space) is { } sports) words.Add($"from source port{(b[Dimension.Sport].Cardinality == 1 ? "" : "s")} {sports}");
            // A drop of what arrives on one interface (-i eth0) makes only the connections out by it one-way.
            if (FlowText.Via(b[Dimension.Out], outs, space) is { } via) words.Add($"via {via}");
            return words.Count == 0 ? "some connections" : string.Join(" ", words);
        }).Distinct().ToList();
        return pieces.Count <= MaxPieces ? string.Join(", ", pieces) : string.Join(", ", pieces.Take(MaxPieces)) + $" and {pieces.Count - MaxPieces} more";
    }
}
