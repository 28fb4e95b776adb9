using DockerFw.Core.Docker;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// The way a server container's replies to a client address take. The server answers by its own
/// routes (<see cref="ContainerRoutes"/>): a server also on the client's network answers from there,
/// and the reply is switched on that bridge, never routed back through the host the way the request
/// came. br_netfilter still hands it to iptables in the host's conntrack zone, where it matches the
/// request's entry: an ESTABLISHED packet in and out on the client's bridge, which the rules judge
/// there (an internal network has no ESTABLISHED accept, icc=false drops it). The request reaches
/// the server on an interface its route back does not use, which a strict reverse-path filter (1)
/// drops: with the filter unknown or strict the connection is only possible. That filter is IPv4's
/// alone (<c>net.ipv4.conf.*.rp_filter</c>; IPv6 has no such sysctl), so an IPv6 way is certain. A
/// server with no route of the family back (an IPv6 client outside its subnets, and no IPv6
/// default route: <see cref="DefaultGateway"/>) never answers at all. Over IPv6 a reply switched on
/// the client's bridge first needs the server to find the client's link there
/// (<see cref="Neighbours"/>, oracle F26, seed 563).
/// </summary>
public sealed record ReplyWay(AuditedNetwork? Network, bool Asymmetric, bool Certain, bool Returns)
{
    /// <summary>Why the way is not known (the server's default route is undecided), null otherwise.</summary>
    public string? Unknown { get; init; }

    /// <summary>
    /// Whether the server finds its clients' link on the way, where it is the client's bridge over
    /// IPv6 (<see cref="NeighbourDiscoveryGate.Answering"/>): dropped, no reply leaves the server;
    /// unsure, a connection is only possible. Passes elsewhere: IPv4 resolves by ARP, which no rule
    /// the audit reads sees, and a way through the host is the host's own neighbour discovery.
    /// </summary>
    public NeighbourFate Neighbours { get; init; } = NeighbourFate.Passes;

    /// <summary>
    /// This way with <see cref="Neighbours"/> asked of <paramref name="clients"/> (among
    /// <paramref name="members"/>, the client network's addresses) on <paramref name="client"/>'s bridge.
    /// </summary>
    public ReplyWay Gated(AuditedNetwork client, IntervalSet members, IntervalSet clients, SymbolicPasses passes, AuditInputs inputs)
    {
        if (!Returns || Network != client || client.Family != Model.Values.IpFamily.V6 || inputs.Host.BridgedTrafficFiltered(client.Bridge, client.Family) == false) return this;
        var fate = passes.Neighbours.Answering(client.Bridge, members, clients);
        return this with { Neighbours = fate, NeighboursDoubt = fate.Doubt(inputs.Ruleset) };
    }

    /// <summary>
    /// Whether the host's conntrack sees the replies (oracle F46): a reply switched inside the client's
    /// bridge without br_netfilter (<c>bridge-nf-call-iptables</c> 0) never meets it, so the connection
    /// the request opened stays unreplied, and its later packets, routed through the host the request's
    /// way, are not ESTABLISHED (<see cref="LaterPackets.Unconfirmed"/>). Null when br_netfilter is unknown.
    /// </summary>
    public bool? Tracked { get; init; } = true;

    /// <summary>Why <see cref="Neighbours"/> is undecided (<see cref="NeighbourFate.Doubt"/>), null otherwise.</summary>
    public string? NeighboursDoubt { get; init; }

    /// <summary>Whether a connection on this way surely completes: the request surely arrives and the server surely finds its client.</summary>
    public bool Sure => Certain && Neighbours.Verdict == ReachVerdict.Accept;

    /// <summary>The replies of <paramref name="server"/>, asked at its address on <paramref name="asked"/>, to <paramref name="client"/>'s address.</summary>
    public static ReplyWay Of(DockerContainer server, AuditedNetwork asked, AuditedNetwork client, UInt128 clientAddress, AuditInputs inputs)
    {
        var route = ContainerRoutes.Leaving(server, clientAddress, inputs);
        return route.Outcome switch
        {
            // No route back: the replies never leave the server.
            RouteOutcome.None => new ReplyWay(null, true, true, false),
            RouteOutcome.Unknown => new ReplyWay(null, true, false, true),
            RouteOutcome.Undecided => new ReplyWay(null, true, false, true) { Unknown = route.Why },
            _ when route.Network == asked => new ReplyWay(asked, false, true, true),
            _ => Elsewhere(route.Network, client, inputs),
        };
    }

    /// <summary>Replies by another network than the asked one: <paramref name="network"/>'s.</summary>
    private static ReplyWay Elsewhere(AuditedNetwork? network, AuditedNetwork client, AuditInputs inputs)
    {
        var doubt = ReversePathDoubtOf(network, client, inputs);
        return new ReplyWay(network, true, doubt is null, true)
        {
            Tracked = network == client ? inputs.Host.BridgedTrafficFiltered(client.Bridge, client.Family) : true,
            ReversePathDoubt = doubt,
        };
    }

    /// <summary>
    /// Why a strict reverse-path filter may break an asymmetric connection, null when none surely
    /// does. The request reaches the server on an interface its route back does not use (the
    /// server's interface: <see cref="HostSettings.ContainerReversePath"/>); replies through another
    /// network's bridge enter the host there with the asked address as their source, whose route
    /// leaves by the asked network's bridge (that bridge's own mode: <see cref="HostSettings.ReversePath"/>).
    /// Loose passes both: each source has a route back. IPv6 has no such filter.
    /// </summary>
    private static string? ReversePathDoubtOf(AuditedNetwork? network, AuditedNetwork client, AuditInputs inputs)
    {
        if (inputs.Family == Model.Values.IpFamily.V6) return null;
        var doubts = new List<string>();
        if (inputs.Host.ContainerReversePath is not (ReversePathMode.Off or ReversePathMode.Loose))
            doubts.Add("a strict rp_filter, 1 or unknown here, would drop the request on arrival");
        if (network is { } n && n != client && inputs.Host.ReversePath(n.Bridge) is var mode && mode is not (ReversePathMode.Off or ReversePathMode.Loose))
            doubts.Add(mode == ReversePathMode.Strict
                ? $"{n.Bridge}'s rp_filter is strict, which drops the replies entering the host there (their source's route leaves by another bridge)"
                : $"{n.Bridge}'s own rp_filter is unknown (default's is only what it started with): a strict one would drop the replies entering the host there");
        return doubts.Count == 0 ? null : string.Join("; ", doubts);
    }

    /// <summary>Why the reverse-path filter may break the connection (<see cref="Certain"/> false for it), null when it surely does not.</summary>
    public string? ReversePathDoubt { get; init; }

    /// <summary>The interface the replies enter the host by: the server's reply network's bridge (null: the request's way back).</summary>
    public IntervalSet? In(PacketSpace space) =>
        Asymmetric && Network is { } n ? space.Interfaces.Matching(new Model.Values.InterfacePattern(n.Bridge)) : null;

    /// <summary>
    /// The replies to the client's network that the rules accept on this way, and those they only may
    /// (a rule the dump cannot decide: their connections are possible, never one-way; oracle F56).
    /// </summary>
    public (IReadOnlyList<Box> Accepted, IReadOnlyList<Box> Maybe) Accepted(AuditedNetwork asked, AuditedNetwork client, SymbolicPasses passes, AuditInputs inputs)
    {
        // The server never finds the client's link: its replies never leave it.
        if (!Returns || Neighbours.Verdict == ReachVerdict.Drop) return ([], []);
        var network = Asymmetric && Network is not null ? Network : asked;
        // Switched inside the client's bridge without br_netfilter: no rule sees the reply.
        if (network == client && inputs.Host.BridgedTrafficFiltered(client.Bridge, client.Family) == false) return ([passes.Whole()], []);
        return PairReach.AcceptedReplies(client, network, passes);
    }
}
