using System.Collections.Immutable;
using DockerFw.Core.Host;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// Clients that reach a docker-proxy listener: from outside (in on any interface that is no bridge and
/// not loopback, oracle F41) or from the containers of
/// one network (by the host's address: Docker skips its DNAT for traffic from a bridge, so the proxy
/// answers). <see cref="Packets"/> are NEW packets as they arrive, which INPUT accepts (or, when
/// <see cref="Certain"/> is false, may accept) and no DNAT sends elsewhere.
/// </summary>
public sealed record ProxyReach(AuditedNetwork? From, PacketSet Packets, bool Certain, ImmutableArray<Evidence> Evidence)
{
    public string Who => From is null ? "outside" : $"containers of '{From.Name}'";

    public IntervalSet Sources => Packets.Boxes.Aggregate(IntervalSet.Empty, (s, b) => s.Union(b[Dimension.Src]));

    public IntervalSet Hosts => Packets.Boxes.Aggregate(IntervalSet.Empty, (s, b) => s.Union(b[Dimension.Dst]));

    /// <summary>
    /// For clients from outside whose answer differs by input interface: the interfaces they get in on
    /// (<c>any interface but eth0</c>, <see cref="PortClientsOf.Interfaces"/>); null when every one's do.
    /// </summary>
    public string? Via { get; init; }

    /// <summary>
    /// The connections of <see cref="Packets"/> whose replies OUTPUT surely drops: docker-proxy's own
    /// socket answers them, from the host's address and port, ESTABLISHED, out by the host's route to
    /// the client (<see cref="ClientRoutes"/>) or by the interface the connection came in on. They are one-way.
    /// </summary>
    public PacketSet RepliesDying { get; init; } = PacketSet.Empty;

    /// <summary>The rules (or OUTPUT's policy) that drop <see cref="RepliesDying"/>'s replies.</summary>
    public ImmutableArray<Evidence> ReplyEvidence { get; init; } = [];

    /// <summary>The connections whose replies may or may not come back (a multipath route), with why in <see cref="ReplyDoubts"/>.</summary>
    public PacketSet RepliesUncertain { get; init; } = PacketSet.Empty;

    public ImmutableArray<string> ReplyDoubts { get; init; } = [];
}

/// <summary>
/// The way through one docker-proxy listener, proved with the symbolic engine: every NEW connection
/// to its port, from outside and from each network's containers, through PREROUTING and INPUT
/// (<see cref="Reaches"/>: the clients the proxy accepts), then the proxy's own connection from the host to the
/// container through OUTPUT (<see cref="Delivered"/>: null when it cannot be decided or the target
/// is not known). Neither crosses FORWARD, so DOCKER-USER sees none of it. A listener on loopback
/// serves the host alone, which reaches the container directly anyway: it has no reaches.
/// </summary>
public sealed record ProxyPath(ProxyListener Listener, ImmutableArray<ProxyReach> Reaches, bool? Delivered, ImmutableArray<Evidence> DeliveryEvidence)
{
    /// <summary>Why the INPUT side cannot be judged (the family's rules were not read); null when it was.</summary>
    public string? Unknown { get; init; }

    /// <summary>The network the target is on, when the target is known.</summary>
    public AuditedNetwork? TargetNetwork { get; init; }

    /// <summary>Every address the host may have in the audit's model: what the reaches' destinations are worded against (<see cref="HostAddressText"/>).</summary>
    public IntervalSet HostAddresses { get; init; } = IntervalSet.Empty;

    /// <summary>Whether connections through the proxy may get to the container at all.</summary>
    public bool MayDeliver => Delivered != false;

    public static ProxyPath Of(ProxyListener listener, ProxyHost host)
    {
        var (delivered, deliveryEvidence, network) = Delivery(listener, host);
        if (listener.OnLoopback) return new(listener, [], delivered, deliveryEvidence) { TargetNetwork = network };
        if (host.Of(listener.Family) is not { } compiled)
            return new(listener, [], delivered, deliveryEvidence)
            {
                TargetNetwork = network,
                Unknown = $"the {(listener.Family == IpFamily.V4 ? "iptables" : "ip6tables")} rules were not read",
            };

        var (rules, model, networks) = compiled;
        var space = rules.Space;
        var whole = space.Whole();
        // Every address the host may have, not the uplink's and the gateways' standing for them.
        var hosts = listener.OnEveryAddress ? model.LocalAddresses : IntervalSet.Single(listener.HostAddress);
        var protocol = Protocol.TryParse(listener.Protocol, out var p) ? p! : new Protocol(Protocol.Tcp, "tcp");
        // Outside is every interface that is no bridge and not loopback (oracle F41), not one uplink no rule names.
        var outside = host.OutsideIn(space);
        var reaches = ImmutableArray.CreateBuilder<ProxyReach>();
        foreach (var from in networks.Where(n => n.Subnet is not null).Prepend(null))
        {
            var query = new ReachQuery(PacketPath.Input)
            {
                In = from is null ? null : new InterfacePattern(from.Bridge),
                Source = from?.Subnet,
                Protocol = protocol,
                State = ConntrackStates.New,
                Opening = true,
            };
            var packets = query.ToPacketSet(space).Intersect(whole.With(Dimension.Dst, hosts).With(Dimension.Dport, IntervalSet.Single((UInt128)listener.HostPort))
                .With(Dimension.In, from is null ? outside : space.Full(Dimension.In)));
            var result = SymbolicEngine.Reach(rules, PacketPath.Input, packets);
            foreach (var region in result.Regions.Where(r => r.Verdict is ReachVerdict.Accept or ReachVerdict.Maybe && !Translated(r, rules)))
                reaches.Add(new ProxyReach(from, region.Packets, region.Verdict == ReachVerdict.Accept, Evidence(region, result, rules, "lets them in to docker-proxy")));
        }

        // The engine cuts packets at every rule; one fate by one rule per group of clients is one reach.
        var merged = reaches.GroupBy(r => (r.From, r.Certain, Key: string.Join(' ', r.Evidence.Select(e => $"{e.Table}/{e.Chain}#{e.Rule}"))))
            .Select(g => g.First() with { Packets = g.Select(r => r.Packets).Aggregate(PacketSet.Empty, (a, b) => a.Union(b)) })
            .Select(r => r.From is null ? r with { Via = Via(r.Packets, outside, space) } : r)
            // Replies to clients outside leave by the host's route to them where the routes decide it.
            .Select(r => Replied(r, rules, r.From is null ? ClientRoutes.Of(host.Routes, listener.Family) : null));
        return new(listener, [.. merged], delivered, deliveryEvidence) { TargetNetwork = network, HostAddresses = model.LocalAddresses };
    }

    /// <summary>
    /// The reach with the fate of its replies: docker-proxy's socket answers from the host's address and
    /// port to the client's, ESTABLISHED, through OUTPUT (no input interface), never FORWARD: an OUTPUT
    /// rule on the host port as source (<c>-p tcp --sport 8080 -j DROP</c>) lets every request in and no
    /// connection complete. Only replies the rules surely drop count; a multipath route's are uncertain
    /// where some of its devices' drop them (<see cref="ReplyFates"/>).
    /// </summary>
    private static ProxyReach Replied(ProxyReach reach, SymbolicRuleset rules, ClientRoutes? routes)
    {
        var space = rules.Space;
        var sent = IntervalSet.Single((UInt128)space.Interfaces.NoInterface);
        var replies = new PacketSet([.. reach.Packets.Boxes.Select(b => ReplyFate.Mirror(b, sent)).SelectMany(r => routes?.Routed(r, space) ?? [r])]);
        if (replies.IsEmpty) return reach;
        var result = SymbolicEngine.Reach(rules, PacketPath.Output, replies, ToldConnection.Replies);
        var dropping = result.Regions.Where(r => r.Verdict is ReachVerdict.Drop or ReachVerdict.Reject && !r.Packets.IsEmpty).ToList();
        var fates = ReplyFates.Of(reach.Packets, dropping, routes, space);
        if (fates.Dying.IsEmpty && fates.Uncertain.IsEmpty) return reach;
        return reach with
        {
            RepliesDying = fates.Dying,
            ReplyEvidence = [.. fates.Deciding.SelectMany(r => Evidence(r, result, rules, "drops docker-proxy's replies")).Distinct()],
            RepliesUncertain = fates.Uncertain,
            ReplyDoubts = fates.Doubts,
        };
    }

    /// <summary>The input interfaces of some connections from outside in words, when they are not every outside interface.</summary>
    internal static string? Via(PacketSet packets, IntervalSet outside, PacketSpace space)
    {
        var some = packets.Boxes.Aggregate(IntervalSet.Empty, (s, b) => s.Union(b[Dimension.In])).Intersect(outside);
        return outside.IsSubsetOf(some) ? null : PortClientsOf.Interfaces(some, outside, space);
    }

    /// <summary>The proxy's own connection: from the host (the bridge's address) to the container, NEW, through OUTPUT.</summary>
    private static (bool?, ImmutableArray<Evidence>, AuditedNetwork?) Delivery(ProxyListener listener, ProxyHost host)
    {
        if (listener.Target is not { } target || host.Of(target.Family) is not { } compiled) return (null, [], null);
        var (rules, _, networks) = compiled;
        var network = networks.FirstOrDefault(n => n.Subnet?.Contains(target.Address) == true);
        if (network is null) return (null, [], null);
        var query = new ReachQuery(PacketPath.Output)
        {
            Out = new InterfacePattern(network.Bridge),
            Protocol = Protocol.TryParse(listener.Protocol, out var p) ? p! : new Protocol(Protocol.Tcp, "tcp"),
            State = ConntrackStates.New,
            Opening = true,
        };
        var packets = query.ToPacketSet(rules.Space).Intersect(rules.Space.Whole()
            .With(Dimension.Src, IntervalSet.Single(network.Gateway))
            .With(Dimension.Dst, IntervalSet.Single(target.Address))
            .With(Dimension.Dport, IntervalSet.Single((UInt128)target.Port)));
        var result = SymbolicEngine.Reach(rules, PacketPath.Output, packets);
        var regions = result.Regions.Where(r => !r.Packets.IsEmpty).ToList();
        bool? delivered = regions.Any(r => r.Verdict == ReachVerdict.Accept) ? true
            : regions.Any(r => r.Verdict == ReachVerdict.Maybe) ? null : false;
        var deciding = regions.FirstOrDefault(r => delivered == true ? r.Verdict == ReachVerdict.Accept : r.Verdict != ReachVerdict.Accept);
        return (delivered, deciding is null ? [] : Evidence(deciding, result, rules, delivered == false ? "drops the proxy's connection to the container" : "lets the proxy's connection out"), network);
    }

    /// <summary>Whether a region's way went through a DNAT or REDIRECT: then it is not the proxy that answers.</summary>
    private static bool Translated(ReachRegion region, SymbolicRuleset rules) => region.Rules.Any(r =>
        r.Table.EndsWith("nat", StringComparison.Ordinal) && EvidenceOf.Source(rules.Source, r)?.Target is DnatTarget or RedirectTarget);

    private static ImmutableArray<Evidence> Evidence(ReachRegion region, ReachResult result, SymbolicRuleset rules, string role)
    {
        if (region.Verdict == ReachVerdict.Maybe)
            return [.. region.Doubts.Select(d => EvidenceOf.Rule(rules.Source, d, "cannot be decided: " + result.DoubtReasons.GetValueOrDefault(d)))];
        if (EvidenceOf.Deciding(region) is { } rule) return [EvidenceOf.Rule(rules.Source, rule, role)];
        var hook = result.Path == PacketPath.Output ? "OUTPUT" : "INPUT";
        return [new Audit.Evidence("filter", hook, 0, 0, $"policy of filter/{hook}", role) { Family = rules.Space.Family }];
    }
}
