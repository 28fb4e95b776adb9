using System.Collections.Immutable;
using DockerFw.Core.Docker;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// Whether the replies of a published port's connections come back (oracle F35, seed 4234), proven
/// over every connection the filter lets in (<see cref="PortReach.Reached"/>), not one client. The
/// container answers from its address and port to the client's (conntrack undoes the DNAT only in
/// POSTROUTING), ESTABLISHED, in on the bridge of its way back (<see cref="ReplyWay"/>: the bridge the
/// request left by, unless its default route is another network), out to the uplink: a FORWARD rule
/// on the container's source address (<c>-s 172.30.11.2 -j DROP</c>, an ipset of hosts matched
/// <c>src</c>) drops them though every request gets in. Exact per client address and source port: a
/// reply's destination is the client, its destination port the client's source port. Only replies
/// the rules surely drop are called dropped (<see cref="Dropped"/>). Of the connections whose replies
/// come back, those whose later packets the rules drop on their way in (oracle F38, <see cref="LaterDying"/>)
/// carry no data either.
/// </summary>
public sealed record PortReplies(PacketSet Returning, PacketSet Dying, ImmutableArray<Evidence> Evidence)
{
    public static readonly PortReplies None = new(PacketSet.Empty, PacketSet.Empty, []);

    /// <summary>Some connection gets in and the filter drops every one's replies: the port answers no one.</summary>
    public bool AllDie => !Dying.IsEmpty && Returning.IsEmpty && Uncertain.IsEmpty && Unrouted.IsEmpty;

    /// <summary>Every connection that gets in: those whose replies come back, die, have no route or may die.</summary>
    public PacketSet Arrived => Returning.Union(Dying).Union(Uncertain).Union(Unrouted);

    /// <summary>
    /// The connections, as they arrived, whose replies come back but whose later packets (the
    /// handshake's ACK, the data: ESTABLISHED, the request's way) the filter drops (oracle F38).
    /// </summary>
    public PacketSet LaterDying { get; init; } = PacketSet.Empty;

    /// <summary>The rules that drop the later packets.</summary>
    public ImmutableArray<Evidence> LaterEvidence { get; init; } = [];

    /// <summary>Every connection whose replies come back has its later packets dropped: none carries data.</summary>
    public bool AllLaterDie => !LaterDying.IsEmpty && Returning.Subtract(LaterDying).IsEmpty;

    /// <summary>
    /// The connections, as they arrived, whose replies the host has no route for (no route to the
    /// client in a table read whole, or a blackhole, unreachable or prohibit route): the kernel never
    /// sends them, whatever the rules say; no such connection completes (<see cref="ClientRoutes.Unrouted"/>).
    /// </summary>
    public PacketSet Unrouted { get; init; } = PacketSet.Empty;

    /// <summary>Why <see cref="Unrouted"/>'s replies are never sent: the missing (or dropping) routes, in words.</summary>
    public ImmutableArray<string> UnroutedWhy { get; init; } = [];

    /// <summary>The routes of <see cref="UnroutedWhy"/> as evidence (<see cref="RouteEvidence"/>): each unroutable route, or the absence of any.</summary>
    public ImmutableArray<Evidence> UnroutedEvidence { get; init; } = [];

    /// <summary>
    /// The connections whose replies may or may not come back: they leave by one of a multipath
    /// route's devices, which the kernel's hash picks per connection, and the rules drop them by some
    /// of those devices only. Neither in <see cref="Returning"/> nor in <see cref="Dying"/>.
    /// </summary>
    public PacketSet Uncertain { get; init; } = PacketSet.Empty;

    /// <summary>Why <see cref="Uncertain"/> is so, in words.</summary>
    public ImmutableArray<string> Doubts { get; init; } = [];

    /// <param name="reach">The port's connections from outside, as they arrived (host address and port).</param>
    /// <param name="address">The container's address the DNAT sends them to.</param>
    /// <param name="port">The container port.</param>
    public static PortReplies Of(PortReach reach, DockerContainer container, AuditedNetwork network, UInt128 address, int port,
        SymbolicPasses passes, AuditInputs inputs)
    {
        // A client on the uplink never has a loopback source (the kernel drops it as martian on any
        // other interface): Docker 28's raw drop of `-d 127.0.0.1 --dport 9090` would otherwise "drop
        // the replies" to such a client whose source port is 9090.
        var arrived = Arriving(reach.Reached, passes, inputs);
        if (arrived.IsEmpty) return None;
        var way = inputs.ViewInferred ? null : ReplyWay.Of(container, network, network, HostModel.RemoteClientOf(inputs.Family), inputs);
        // No route back to a client outside: the replies never leave the container.
        if (way is { Returns: false })
            return new(PacketSet.Empty, arrived, []);
        var replyIn = way?.In(passes.Space);
        // Each connection's replies and later packets carry its virtual states (DNAT, SNAT where nat
        // POSTROUTING rewrote the source too): those of the region that let it in.
        var nat = Nat(arrived, reach, address, port, passes);
        // Each reply leaves by the host's route to its client where the routes are known and decide it
        // (by any nexthop's device of a multipath route), else by the interface its connection came in
        // on (symmetric routing assumed); to a client the host has no route to it is never sent.
        var routes = ClientRoutes.Of(inputs.HostModel.Routes, inputs.Family);
        var replies = new PacketSet([.. nat.SelectMany(x => ConnectionNat.Replies(ReplyFate.Mirror(x.Box
                .With(Dimension.Dst, IntervalSet.Single(address))
                .With(Dimension.Dport, IntervalSet.Single((UInt128)port)), replyIn), x.Nat))
            .SelectMany(r => routes?.Routed(r, passes.Space) ?? [r])]);
        // Replies of the connections to the host's port: the original tuple's destination is the host's.
        var told = Told(ToldConnection.Replies, nat);
        var fates = ReplyFates.Of(arrived, Dropping(replies, passes, inputs, told: told), routes, passes.Space);
        var unrouted = routes is null ? PacketSet.Empty : Clients(arrived, routes.UnroutedClients);
        var settled = fates.Dying.Union(fates.Uncertain).Union(unrouted);
        var evidence = EvidenceOf(fates.Deciding, inputs);
        var replied = new PortReplies(arrived.Subtract(settled), fates.Dying, evidence)
        {
            Unrouted = unrouted,
            UnroutedWhy = unrouted.IsEmpty ? [] : [.. routes!.Unrouted.Where(u => !Clients(arrived, u.Clients).IsEmpty).Select(u => Why(u.Clients, u.Route, inputs.Family))],
            UnroutedEvidence = unrouted.IsEmpty ? [] : [.. routes!.Unrouted.Where(u => !Clients(arrived, u.Clients).IsEmpty)
                .Select(u => Audit.Evidence.Of(RouteEvidence.Of(u.Route, u.Clients, inputs.Family), "routes nothing there: the port's replies to clients there are never sent", inputs.Family))],
            Uncertain = fates.Uncertain,
            Doubts = fates.Doubts,
        };
        return Later(replied, nat, address, port, passes, inputs);
    }

    /// <summary>The connections from outside among <paramref name="reached"/> that may have replies at all (the routing mesh's too).</summary>
    internal static PacketSet Arriving(PacketSet reached, SymbolicPasses passes, AuditInputs inputs) =>
        reached.Subtract(passes.Whole().With(Dimension.Src, IntervalSet.Loopback(inputs.Family)))
            // A strict reverse-path filter drops a client that came in on an interface its route back
            // does not leave by: it never connects, and has no replies (a loose one, a client with none).
            .Subtract(ReversePathFilter.Refused(passes.Space, OutsideInterfaces.Of(passes.Space, inputs), inputs.HostModel.Routes, inputs.Host));

    internal static PacketSet Clients(PacketSet arrived, IntervalSet clients) =>
        new([.. arrived.Boxes.Select(b => b.With(Dimension.Src, b[Dimension.Src].Intersect(clients))).Where(b => !b.IsEmpty)]);

    internal static string Why(IntervalSet clients, Semantics.Routing.Route? route, IpFamily family)
    {
        // No route at all means no default route either (a default covers every address).
        return route is null
            ? "the host has no route to them (no default route)"
            : $"the host's route to {FlowText.Addresses(clients, IntervalSet.Range(0, family.AllOnes()), family) ?? "every address"} drops what it sends ({route})";
    }

    /// <summary>
    /// The connections that arrived, cut by the virtual states the way of each gave it (the regions
    /// of <see cref="PortReach"/> that DNAT them to the container: DNAT, and SNAT where a SNAT or
    /// MASQUERADE in nat POSTROUTING rewrote the source too).
    /// </summary>
    private static List<(Box Box, ConntrackStates Nat)> Nat(PacketSet arrived, PortReach reach, UInt128 address, int port, SymbolicPasses passes) =>
        [.. reach.Regions.Where(r => r.Verdict == ReachVerdict.Accept && DnatsTo(r, passes, address, port))
            .SelectMany(r => arrived.Intersect(r.Packets).Boxes.Select(b => (b, ConnectionNat.Of(r))))];

    private static bool DnatsTo(ReachRegion region, SymbolicPasses passes, UInt128 address, int port) =>
        PortReach.DnatsTo(region, passes.Rules.Source, address, port);

    /// <summary>
    /// The later packets of the connections whose replies come back (TCP's with ACK set, ESTABLISHED
    /// with the connection's virtual states), asked twice. As they arrive, addressed to the host and
    /// port as the opening was, in raw and mangle PREROUTING (a stateless drop of TCP's ACKs to the
    /// host's address there meets them, though the opening, a SYN, passed); conntrack then rewrites
    /// them to the container's address and port without asking nat again, and FORWARD sees them so.
    /// Docker 28's raw drop of the container's address from outside never meets them.
    /// </summary>
    private static PortReplies Later(PortReplies replies, List<(Box Box, ConntrackStates Nat)> nat, UInt128 address, int port, SymbolicPasses passes, AuditInputs inputs)
    {
        if (replies.Returning.IsEmpty) return replies;
        var arriving = new PacketSet([.. nat.SelectMany(x => replies.Returning.Boxes.Select(b => b.Intersect(x.Box)).OfType<Box>()
            .Select(b => LaterPackets.Of(b, x.Nat)))]);
        var forwarded = new PacketSet([.. arriving.Boxes.Select(b => b
            .With(Dimension.Dst, IntervalSet.Single(address))
            .With(Dimension.Dport, IntervalSet.Single((UInt128)port)))]);
        const string role = "drops the requests' later packets";
        var (early, earlyEvidence) = Dropped(arriving, passes, inputs, beforeDnatOnly: true, role: role, told: ToldConnection.Original);
        var (late, lateEvidence) = Dropped(forwarded, passes, inputs, afterRouting: true, role: role, told: Told(ToldConnection.Original, nat));
        if (early.IsEmpty && late.IsEmpty) return replies;
        // Back to the connections as they arrived: a later packet dropped as it arrived names the host
        // address and port too; one dropped de-NATed names its client, source port and interface.
        var dying = new PacketSet([.. replies.Returning.Boxes.SelectMany(a => early.Boxes.Select(d => LaterOpenings.Of(a, d, LaterOpenings.Packet))
                .Concat(late.Boxes.Select(d => LaterOpenings.Of(a, d, LaterOpenings.DeNated))))
            .Where(b => !b.IsEmpty)]);
        return replies with { LaterDying = dying, LaterEvidence = [.. earlyEvidence.Concat(lateEvidence).Distinct()] };
    }

    /// <summary>
    /// What the question knows of a published port's connections, whose packets FORWARD sees DNATed to
    /// the container: their original tuple's destination and port are among the host's they arrived on.
    /// </summary>
    private static ToldConnection Told(ToldConnection way, List<(Box Box, ConntrackStates Nat)> arrived) => way
        .Knowing(Dimension.Dst, arrived.Aggregate(IntervalSet.Empty, (s, x) => s.Union(x.Box[Dimension.Dst])))
        .Knowing(Dimension.Dport, arrived.Aggregate(IntervalSet.Empty, (s, x) => s.Union(x.Box[Dimension.Dport])));

    /// <summary>Whether the region was decided in a prerouting chain that runs before nat's (raw -300, mangle -150, an nft chain below -100).</summary>
    private static bool BeforeDnat(ReachRegion region, Model.Ruleset ruleset)
    {
        foreach (var rule in region.Rules.Reverse())
        {
            var chain = ruleset.TableNamed(rule.Table)?[rule.Chain];
            var (hook, priority) = chain?.Base is { } b ? (b.Hook, (int?)b.Priority)
                : rule.Chain is "PREROUTING" or "INPUT" or "FORWARD" or "OUTPUT" or "POSTROUTING" ? (rule.Chain.ToLowerInvariant(), Model.BaseChain.PriorityOfIptablesTable(rule.Table))
                : (null, null);
            if (hook is not null) return hook == "prerouting" && priority < -100;
        }

        return false;
    }

    /// <summary>
    /// The replies the filter surely drops or rejects, with the rules (or FORWARD's policy) that do.
    /// One verdict walk asks them all; only those it does not accept are walked again with the rules
    /// recorded. A reply that only may be accepted (an ipset whose members the dump does not hold, as
    /// Moby 28's docker-ext-bridges-v4) is not called dropped: DFW607 says what is undecidable.
    /// </summary>
    /// <param name="deNatedInPrerouting">
    /// The replies are given de-NATed, as FORWARD sees them, though they arrive addressed to the NAT
    /// address (a masqueraded connection's: nat PREROUTING undoes it): a drop decided before that, in
    /// raw or mangle PREROUTING, saw another address and is not judged here (Moby 28's raw drop of
    /// packets to a container address from outside its bridge never meets a reply).
    /// </param>
    /// <param name="afterRouting">The packets are walked from FORWARD on, PREROUTING left out (a published port's later packets, de-NATed).</param>
    /// <param name="beforeDnatOnly">
    /// The packets are given as they arrive, before conntrack rewrites them (a published port's later
    /// packets, addressed to the host): only drops decided before nat's PREROUTING are judged here.
    /// </param>
    /// <param name="role">What the evidence's rules do to the packets.</param>
    /// <param name="accepted">The packets a verdict walk already accepted, among others (null: walked here).</param>
    /// <param name="told">What the question knows of the packets' connection (<see cref="ToldConnection"/>): replies, later packets.</param>
    internal static (PacketSet Dead, ImmutableArray<Evidence> Evidence) Dropped(PacketSet replies, SymbolicPasses passes, AuditInputs inputs,
        bool deNatedInPrerouting = false, bool afterRouting = false, string role = "drops the container's replies", IReadOnlyList<Box>? accepted = null,
        bool beforeDnatOnly = false, ToldConnection? told = null)
    {
        var dropping = Dropping(replies, passes, inputs, deNatedInPrerouting, afterRouting, accepted, beforeDnatOnly, told);
        var dead = dropping.Aggregate(PacketSet.Empty, (s, r) => s.Union(r.Packets));
        return (dead, EvidenceOf(dropping, inputs, role));
    }

    /// <summary>The regions of <paramref name="replies"/> the filter surely drops or rejects (<see cref="Dropped"/>).</summary>
    internal static List<ReachRegion> Dropping(PacketSet replies, SymbolicPasses passes, AuditInputs inputs,
        bool deNatedInPrerouting = false, bool afterRouting = false, IReadOnlyList<Box>? accepted = null, bool beforeDnatOnly = false, ToldConnection? told = null)
    {
        // Only what a verdict walk does not accept is walked again with the rules recorded: a swarm node's
        // service rules cut every later packet of a published port once per service port.
        var candidates = afterRouting || beforeDnatOnly ? passes.Refused(replies.Boxes, afterRouting, answers: true, told: told).Within(replies) : replies.Subtract(accepted ?? passes.Accepted(replies, answers: true, told: told));
        if (candidates.IsEmpty) return [];
        var regions = (afterRouting ? SymbolicEngine.ReachAfterRouting(passes.Rules, candidates, told) : SymbolicEngine.Reach(passes.Rules, PacketPath.Forward, candidates, told)).Regions;
        // Replies raw or nat took from their connection (Untracking.Keeps) pass, but never reach the other end as its.
        return [.. regions.Where(r => r.Verdict is ReachVerdict.Accept or ReachVerdict.Maybe && !Untracking.Keeps(r, answers: true)), .. regions
            .Where(r => r.Verdict is ReachVerdict.Drop or ReachVerdict.Reject)
            .Where(r => !deNatedInPrerouting || !BeforeDnat(r, inputs.Ruleset))
            // A drop by a rule of a prerouting chain before nat's (its last drop on the way: a region
            // dropped later, in FORWARD by its policy say, may list a rule of raw that only marked it).
            .Where(r => !beforeDnatOnly || Analysis.BeforeDnat.Drops(r, inputs.Ruleset, Analysis.BeforeDnat.Dstnat))];
    }

    /// <summary>The rule (or FORWARD's policy) that drops each region, once each.</summary>
    internal static ImmutableArray<Evidence> EvidenceOf(IEnumerable<ReachRegion> dropping, AuditInputs inputs, string role = "drops the container's replies") =>
        [.. dropping
            .Select(r => r.Verdict is ReachVerdict.Accept or ReachVerdict.Maybe ? Untracking.Evidence(r, inputs)
                : r.Rules.Reverse().FirstOrDefault(x => PortReach.SourceOf(inputs.Ruleset, x)?.Target is VerdictTarget { Verdict: Verdict.Drop } or RejectTarget) is { } rule
                ? Analysis.EvidenceOf.Rule(inputs.Ruleset, rule, role)
                : new Evidence("filter", "FORWARD", 0, 0, "policy of filter/FORWARD", role))
            .Select(e => e with { Family = inputs.Family })
            .Distinct()];
}
