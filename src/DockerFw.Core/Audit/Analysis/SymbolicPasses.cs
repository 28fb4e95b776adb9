using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>A piece of a symbolic answer: packets that meet one region's fate.</summary>
public sealed record Piece(ReachRegion Region, Box Box)
{
    public ReachVerdict Verdict => Region.Verdict;
}

/// <summary>
/// The symbolic questions the audit asks, one pass each with the output (or input) interface left
/// free, and the answer cut per bridge: a region's box lists the interfaces it covers, so one walk
/// answers "from this bridge to every bridge".
/// </summary>
public sealed class SymbolicPasses(AuditInputs inputs)
{
    private readonly Dictionary<string, BridgePieces> _fromBridge = [];
    private readonly Dictionary<string, BridgePieces> _repliesTo = [];
    private readonly Dictionary<string, IntervalSet> _containerAddresses = [];
    private BridgePieces? _fromOutside;

    // The rules are compiled twice, once per model of the host's addresses (Rules, and Containers
    // below); every other ruleset the audit asks is one of these two cut to some tables or merged for
    // verdicts. Compiling each again (five compiles of every rule they hold) was a fifth of the audit of
    // a 1,000-bridge host. nft tables are cut by their base chains' types instead (AuditInputs.NatOnly),
    // so a ruleset holding any is compiled for each question as before.
    private readonly bool _cut = !inputs.Ruleset.Tables.Any(t => t.IsNative);

    // Asked only about container addresses (each network's pass, the replies to them, the packets from
    // outside to them, their outbound NAT): the gateways are not local here, so the subnets stay whole (see Walk).
    private readonly Lazy<SymbolicRuleset> _containers = new(() => inputs.HostModel.Compile(inputs.Ruleset, local: inputs.HostModel.LocalOutsideSubnets));

    private SymbolicRuleset? _verdicts;

    private SymbolicRuleset Verdicts => _verdicts ??= _containers.Value.ForVerdicts();

    public SymbolicRuleset Rules { get; } = Compile(inputs, ReachDetail.Rules);

    private SymbolicRuleset? _nat;

    /// <summary>
    /// The nat table alone, on the host model: what NAT does, whatever the filter does. raw comes with
    /// it, its drops read as accepts: a packet its NOTRACK takes out of conntrack never meets the nat
    /// table (oracle F61), whatever raw drops is the filter's say.
    /// </summary>
    public SymbolicRuleset Nat => _nat ??= (_cut ? Rules.WithTables(Untracking.DecidesNat) : inputs.HostModel.Compile(inputs.NatOnly)).WithVerdictsIgnored("raw");

    private SymbolicRuleset? _natOfContainers;

    /// <summary>
    /// The nat table alone, asked only about packets from container addresses to container addresses
    /// or outside the subnets (a network's outbound NAT, <see cref="OutboundNat"/>): the gateways are
    /// no host address here, which those packets never carry, so that <c>--dst-type LOCAL</c> is the
    /// few ranges outside the subnets, not N gateways between them (a copy of 2N ranges per network).
    /// </summary>
    public SymbolicRuleset NatOfContainers => _natOfContainers ??= (_cut ? _containers.Value.WithTables(Untracking.DecidesNat)
        : inputs.HostModel.Compile(inputs.NatOnly, local: inputs.HostModel.LocalOutsideSubnets)).WithVerdictsIgnored("raw");

    private SymbolicRuleset? _withoutNat;

    /// <summary>Every table but nat, on the host model: what the filter alone does with a packet to the host (a host firewall's view).</summary>
    public SymbolicRuleset WithoutNat => _withoutNat ??= _cut ? Rules.WithTables(t => t != "nat") : inputs.HostModel.Compile(inputs.WithoutNat);

    public PacketSpace Space => Rules.Space;

    private NeighbourGates? _neighbours;

    /// <summary>IPv6 neighbour discovery on the bridges, asked once per bridge for all its members (the container matrix, the servers' reply ways).</summary>
    public NeighbourGates Neighbours => _neighbours ??= new NeighbourGates(Rules, bridge => ContainerLinkLocal.HostOn(bridge, inputs.HostModel));

    private BridgeSymbols? _bridges;

    /// <summary>The networks' bridges in the space's interface alphabet.</summary>
    public BridgeSymbols BridgeSymbols => _bridges ??= new BridgeSymbols(Space, inputs.Networks);

    private readonly Dictionary<(PacketSpace From, PacketSpace To), InterfaceTranslation> _translations = [];

    /// <summary>
    /// Boxes of <paramref name="from"/> asked of a ruleset compiled in <paramref name="to"/> (beside nft
    /// tables the nat table and the filter alone are compiled apart, with their own alphabets): one
    /// translation per pair of spaces for the whole audit, where every published port and every
    /// network's replies ask the same pair. Spaces are compared by reference, as their alphabets are.
    /// </summary>
    public InterfaceTranslation Translation(PacketSpace from, PacketSpace to)
    {
        if (!_translations.TryGetValue((from, to), out var translation))
            _translations[(from, to)] = translation = InterfaceTranslation.Between(from, to);
        return translation;
    }

    private static SymbolicRuleset Compile(AuditInputs inputs, ReachDetail detail) => inputs.HostModel.Compile(inputs.Ruleset, detail);

    /// <summary>
    /// NEW packets that open a connection (<see cref="Openings"/>) from a network's containers, by the bridge they leave on. A verdict-only walk
    /// answers for every bridge at once; only the bridges it finds open (to other networks, or partly
    /// to its own, as links are) are walked again with the rules recorded, for the evidence. On a
    /// host whose networks are isolated that second walk never happens.
    /// </summary>
    public BridgePieces From(AuditedNetwork a)
    {
        if (_fromBridge.TryGetValue(a.Bridge, out var cached)) return cached;
        var answer = Walk(a);
        // Kept only for the last network asked: a host with N bridges would otherwise hold N² pieces.
        _fromBridge.Clear();
        return _fromBridge[a.Bridge] = answer;
    }

    private BridgePieces Walk(AuditedNetwork a)
    {
        var query = new ReachQuery(PacketPath.Forward) { In = new InterfacePattern(a.Bridge), Source = a.Subnet, State = ConntrackStates.New };
        // Only the bridges are asked of this walk (the pieces are cut per bridge): packets leaving by
        // any other interface would be walked for nothing, and their output set ("any but the N
        // bridges", N ranges) would be copied at every split. Only packets to the subnets are asked
        // (see SubnetDestinations), the gateways among them judged as no host address.
        // A connection opens with a SYN (Openings): a NEW bare ACK conntrack picks up opens nothing.
        var asked = Openings.Of(query.ToPacketSet(Space));
        var toBridges = asked.Intersect(Whole().With(Dimension.Out, BridgeSymbols.All).With(Dimension.Dst, SubnetDestinations));
        var quick = new BridgePieces(SymbolicEngine.Reach(Verdicts, PacketPath.Forward, toBridges), Dimension.Out, BridgeSymbols);
        // The own bridge is walked again when its answer is not what icc declares (mixed, or all one
        // way against the declaration): icc's evidence and the links come from the rules recorded.
        var open = quick.Open().Where(b => b != a.Bridge).ToList();
        if (a.Network.EnableIcc ? quick.Closes(a.Bridge) : quick.Opens(a.Bridge)) open.Add(a.Bridge);
        if (open.Count == 0) return quick;
        var outs = open.Aggregate(IntervalSet.Empty, (s, b) => s.Union(Space.Interfaces.Matching(new InterfacePattern(b))));
        // Walked again exactly (the host's gateways local), asked only what the consumers of these
        // bridges' pieces look at: their networks' container addresses.
        var detailed = asked.Intersect(Whole().With(Dimension.Out, outs)
            .With(Dimension.Dst, IntervalSet.FromRanges(open.SelectMany(b => DestinationsOn(b).Ranges))));
        foreach (var (bridge, pieces) in ByInterface(SymbolicEngine.Reach(Rules, PacketPath.Forward, detailed), Dimension.Out))
            quick.Replace(bridge, pieces);
        return quick;
    }

    private IntervalSet? _subnetDestinations;

    /// <summary>
    /// Every address a network's verdict-only pass is asked about: the subnets whole, and every
    /// container address Docker's view names (any address when a network's subnet is unknown). Each
    /// consumer of a pass cuts its pieces to container addresses (<see cref="DestinationsOn"/>), so
    /// the packets to the host's own addresses were walked for nothing, and at a price: the host may
    /// have every address outside the subnets, which <c>-m addrtype --dst-type LOCAL</c> sends to
    /// Docker's DNAT chain, where each published port cut a piece walked on through FORWARD (N²/20
    /// pieces over a host with a port on every tenth bridge). The gateways stay in, judged as no host
    /// address (the verdict-only ruleset's LOCAL is <see cref="HostModel.LocalOutsideSubnets"/>): taken
    /// out, or judged local, they cut the subnets into 2N ranges that every later split copied.
    /// </summary>
    public IntervalSet SubnetDestinations => _subnetDestinations ??= inputs.Networks.Any(n => n.Subnet is null)
        ? Space.Full(Dimension.Dst)
        : IntervalSet.FromRanges(inputs.Networks.Select(n => n.Subnet!.Bounds).Concat(EndpointAddresses(inputs.View.Containers.SelectMany(c => c.Endpoints))));

    private Dictionary<string, IntervalSet>? _destinationsOn;

    /// <summary>
    /// The destinations the consumers of a bridge's pieces cut them to: its networks'
    /// <see cref="ContainerAddresses"/> and the addresses of the endpoints on them (a pair to the
    /// network's containers, icc and the container matrix to its endpoints).
    /// </summary>
    public IntervalSet DestinationsOn(string bridge)
    {
        _destinationsOn ??= inputs.Networks.GroupBy(n => n.Bridge, StringComparer.Ordinal).ToDictionary(g => g.Key,
            g => IntervalSet.FromRanges(g.SelectMany(n => ContainerAddresses(n).Ranges.Concat(EndpointAddresses(inputs.View.EndpointsOn(n.Name).Select(x => x.Endpoint))))),
            StringComparer.Ordinal);
        return _destinationsOn.GetValueOrDefault(bridge) ?? IntervalSet.Empty;
    }

    private IEnumerable<(UInt128, UInt128)> EndpointAddresses(IEnumerable<Docker.DockerEndpoint> endpoints) =>
        endpoints.Select(e => e.Address(inputs.Family)).OfType<UInt128>().Select(a => (a, a));

    /// <summary>The packets of the set accepted on the forward path, by a verdict-only walk of that set alone.</summary>
    /// <param name="answers">The packets are replies or later packets: one nat rewrote as a connection of its own is not accepted as its connection's (<see cref="Untracking.Keeps"/>).</param>
    /// <param name="told">What the question knows of the packets' connection (<see cref="ToldConnection"/>: replies, later packets).</param>
    public IReadOnlyList<Box> Accepted(PacketSet packets, bool answers = false, ToldConnection? told = null) => Fates(packets, answers, told).Accepted;

    /// <summary>
    /// The packets of the set accepted, and those only maybe accepted, on the forward path, by one
    /// verdict-only walk (<see cref="Refused"/>), each box of the set cut by what the walk refuses of it.
    /// </summary>
    /// <param name="answers">As <see cref="Accepted"/>'s.</param>
    /// <param name="told">What the question knows of the packets' connection (<see cref="ToldConnection"/>: replies, later packets).</param>
    public (IReadOnlyList<Box> Accepted, IReadOnlyList<Box> Maybe) Fates(PacketSet packets, bool answers = false, ToldConnection? told = null)
    {
        if (packets.IsEmpty) return ([], []);
        var refused = Refused(packets.Boxes, answers: answers, told: told);
        return ([.. packets.Boxes.SelectMany(refused.AcceptedOf)], [.. packets.Boxes.SelectMany(refused.MaybeOf)]);
    }

    /// <summary>
    /// What the forward path does not surely accept of the boxes given (they may overlap), by one
    /// verdict-only walk of their union in few boxes (<see cref="BoxMerge"/>). A walk cuts each box it is
    /// given at every rule that splits it: a swarm node's replies and later packets of N service ports,
    /// one box per port, were each cut by DOCKER-INGRESS's rules of the other ports (N² pieces, then
    /// searched once per port: most of the audit of 200 services); their union, a box per protocol, is
    /// cut N times.
    /// </summary>
    /// <param name="afterRouting">Walked from FORWARD on, as <see cref="SymbolicEngine.ReachAfterRouting"/> does.</param>
    /// <param name="answers">
    /// The boxes are replies or later packets: what raw or nat takes from its connection is refused,
    /// though the rules let it through (<see cref="Untracking.Lost"/>, oracle F61).
    /// </param>
    /// <param name="told">What the question knows of the packets' connection (<see cref="ToldConnection"/>), the same for every box.</param>
    public Refusals Refused(IEnumerable<Box> boxes, bool afterRouting = false, bool answers = false, ToldConnection? told = null)
    {
        var union = BoxMerge.Merge(boxes).Aggregate(PacketSet.Empty, (s, b) => s.Union(PacketSet.Of(b)));
        if (union.IsEmpty) return Refusals.None;
        var regions = (afterRouting ? SymbolicEngine.ReachAfterRouting(Verdicts, union, told) : SymbolicEngine.Reach(Verdicts, PacketPath.Forward, union, told)).Regions;
        return new([.. regions.Where(r => r.Verdict != ReachVerdict.Accept).SelectMany(r => r.Packets.Boxes),
                .. regions.Where(r => r.Verdict == ReachVerdict.Accept).SelectMany(r => Untracking.Lost(r, answers))],
            [.. regions.Where(r => r.Verdict == ReachVerdict.Maybe).SelectMany(r => Untracking.Kept(r, answers))]);
    }

    /// <summary>
    /// Replies (ESTABLISHED) to a network's containers, by the bridge they come from: told as replies to
    /// the openings they mirror (<see cref="ToldConnection.Replies"/>), as their consumers take them.
    /// </summary>
    public BridgePieces RepliesTo(AuditedNetwork a)
    {
        if (_repliesTo.TryGetValue(a.Bridge, out var cached)) return cached;
        return _repliesTo[a.Bridge] = new BridgePieces(SymbolicEngine.Reach(Verdicts, PacketPath.Forward, RepliesQuery(a).ToPacketSet(Space), ToldConnection.Replies),
            Dimension.In, BridgeSymbols);
    }

    private static ReachQuery RepliesQuery(AuditedNetwork a) =>
        new(PacketPath.Forward) { Out = new InterfacePattern(a.Bridge), Destination = a.Subnet, State = ConntrackStates.Established };

    /// <summary>
    /// The replies to a network's containers from one bridge that the rules accept (<see cref="RepliesTo"/>),
    /// as the replies asked from that bridge less the pieces not accepted: few boxes where almost every
    /// reply is accepted. The walk's accepted pieces of a swarm node's are one per service port and rule
    /// of DOCKER-INGRESS, which each reply of a pair was cut by, one after the other (N² pieces per reply).
    /// </summary>
    public IReadOnlyList<Box> AcceptedRepliesFrom(AuditedNetwork a, string bridge)
    {
        var pieces = RepliesTo(a).TryGetValue(bridge, out var r) ? r : [];
        if (pieces.Count == 0 || BridgeSymbols.SymbolOf(bridge) is not { } symbol) return [.. pieces.Where(p => p.Verdict == ReachVerdict.Accept).Select(p => p.Box)];
        var asked = RepliesQuery(a).ToPacketSet(Space).Intersect(Space.Whole().With(Dimension.In, IntervalSet.Single(symbol)));
        return asked.Subtract([.. pieces.Where(p => p.Verdict != ReachVerdict.Accept).Select(p => p.Box)]).Boxes;
    }

    /// <summary>
    /// NEW packets arriving on any interface that is not a known bridge, addressed to a network's
    /// containers (<see cref="ContainerAddresses"/>: any address for a network without a subnet), by
    /// the bridge they leave on. Verdicts first; bridges with anything accepted are walked again with
    /// the rules recorded.
    /// </summary>
    public BridgePieces FromOutside()
    {
        if (_fromOutside is not null) return _fromOutside;
        // A host outside holds no container address: a packet from the uplink with one is spoofed, and
        // the container's replies go to the bridge, never back to it, so no connection is opened.
        var containers = inputs.Networks.Where(n => n.Subnet is not null)
            .Aggregate(IntervalSet.Empty, (s, n) => s.Union(IntervalSet.Range(n.Subnet!.Bounds.First, n.Subnet.Bounds.Last)));
        // Only packets to the containers are asked (the isolation check cuts every piece to them): those
        // to the host's addresses would be cut by each published port's DNAT, and every such piece again
        // by each bridge it may leave on, a product of the ports and the bridges.
        var addressed = IntervalSet.FromRanges(inputs.Networks.SelectMany(n => ContainerAddresses(n).Ranges));
        var outside = Openings.Of(NewFromOutside(Space, inputs, Dimension.In)).Intersect(Whole().With(Dimension.Src, containers.Complement(Space.MaxOf(Dimension.Src)))
            .With(Dimension.Dst, addressed));
        var quick = new BridgePieces(SymbolicEngine.Reach(Verdicts, PacketPath.Forward,
            outside.Intersect(Whole().With(Dimension.Out, Bridges(Space, inputs)))), Dimension.Out, BridgeSymbols);
        var open = quick.Accepting().Aggregate(IntervalSet.Empty, (s, b) => s.Union(Space.Interfaces.Matching(new InterfacePattern(b))));
        if (!open.IsEmpty)
            foreach (var (bridge, pieces) in ByInterface(SymbolicEngine.Reach(Rules, PacketPath.Forward, outside.Intersect(Whole().With(Dimension.Out, open))), Dimension.Out))
                quick.Replace(bridge, pieces);
        return _fromOutside = quick;
    }

    /// <summary>NEW forwarded packets that enter or leave by a bridge: the traffic Docker's rules are about.</summary>
    public static PacketSet DockerTraffic(PacketSpace space, AuditInputs inputs)
    {
        var query = new ReachQuery(PacketPath.Forward) { State = ConntrackStates.New }.ToPacketSet(space);
        var bridges = Bridges(space, inputs);
        var leaving = space.Whole().With(Dimension.Out, bridges);
        var entering = space.Whole().With(Dimension.In, bridges).With(Dimension.Out, bridges.Complement(space.MaxOf(Dimension.Out)));
        return query.Intersect(new PacketSet([leaving, entering]));
    }

    // A bridge's exact name matches one symbol: the set is built at once, not by a union per bridge.
    private static IntervalSet Bridges(PacketSpace space, AuditInputs inputs) => inputs.BridgesIn(space);

    /// <summary>NEW forwarded packets whose given interface is none of the bridges.</summary>
    public static PacketSet NewFromOutside(PacketSpace space, AuditInputs inputs, Dimension side)
    {
        var query = new ReachQuery(PacketPath.Forward) { State = ConntrackStates.New }.ToPacketSet(space);
        var bridges = Bridges(space, inputs).Union(IntervalSet.Single((UInt128)space.Interfaces.NoInterface));
        return query.Intersect(space.Whole().With(side, bridges.Complement(space.MaxOf(side))));
    }

    /// <summary>A box covering the whole space.</summary>
    public Box Whole() => Space.Whole();

    /// <summary>
    /// The destinations a query about a network's containers covers: its subnet but the host's
    /// addresses in it (<see cref="HostsOwnIn"/>), or anything.
    /// </summary>
    public IntervalSet ContainerAddresses(AuditedNetwork n)
    {
        if (_containerAddresses.TryGetValue(n.Bridge, out var cached)) return cached;
        return _containerAddresses[n.Bridge] = n.Subnet is null ? Space.Full(Dimension.Dst)
            : IntervalSet.Range(n.Subnet.Bounds.First, n.Subnet.Bounds.Last).Subtract(HostsOwnIn(n));
    }

    /// <summary>
    /// The addresses of a network's subnet that are the host's, never a container's: the gateway, and
    /// over IPv6 the subnet's first address (interface ID 0), the subnet-router anycast address
    /// (RFC 4291 2.6.1) a forwarding host joins on the bridge (table local's anycast route: a packet to
    /// it is delivered to the host, and the host answers neighbour discovery for it on the bridge, so
    /// no container receives it; Docker's IPAM never hands it out). Linux joins it for prefixes shorter
    /// than /127 (RFC 6164); counted as a container, it made a "one-way" flow of the matrices out of
    /// the host's own replies, which a strict reverse-path check drops (oracle F40).
    /// </summary>
    public static IntervalSet HostsOwnIn(AuditedNetwork n) =>
        n.Subnet is { Family: IpFamily.V6, PrefixLength: < 127 } subnet
            ? IntervalSet.FromValues([n.Gateway, subnet.Bounds.First])
            : IntervalSet.Single(n.Gateway);

    /// <summary>The pieces restricted to packets addressed to a network's containers.</summary>
    public List<Piece> ToContainersOf(IEnumerable<Piece> pieces, AuditedNetwork n, Dimension field = Dimension.Dst)
    {
        var allowed = ContainerAddresses(n);
        var result = new List<Piece>();
        foreach (var p in pieces)
        {
            var set = p.Box[field].Intersect(allowed);
            if (!set.IsEmpty) result.Add(p with { Box = p.Box.With(field, set) });
        }

        return result;
    }

    private Dictionary<string, List<Piece>> ByInterface(ReachResult result, Dimension dimension)
    {
        var buckets = new Dictionary<string, List<Piece>>();
        foreach (var region in result.Regions)
            foreach (var box in region.Packets.Boxes)
                foreach (var (first, last) in box[dimension].Ranges)
                    foreach (var bridge in BridgeSymbols.Between(first, last))
                    {
                        if (!buckets.TryGetValue(bridge, out var list)) buckets[bridge] = list = [];
                        list.Add(new Piece(region, box.With(dimension, IntervalSet.Single(BridgeSymbols.SymbolOf(bridge)!.Value))));
                    }

        return buckets;
    }
}
