using System.Collections.Immutable;
using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// The servers of a destination network that answer a client network by their own routes, not back
/// the way the request came (<see cref="ReplyWay"/>: a multi-homed container also on the client's
/// network, or whose default route is a third network), and the openings of a pair cut by where
/// their replies go. Shared by the network matrix (every such container of the destination network)
/// and the container matrix (one server), so that both judge a reply on the way it really takes.
/// </summary>
public sealed record ServerReplies(ImmutableArray<ServerReply> Asymmetric)
{
    public static readonly ServerReplies None = new([]);

    /// <summary>
    /// The containers of <paramref name="to"/> (at their address of the audit's family there) that answer
    /// the containers of <paramref name="from"/> by another way than <paramref name="to"/>'s bridge, or
    /// not at all (no route of the family back). Every address of the client subnet takes the same route
    /// in a server (a connected subnet, else the default route), so one address stands for them. Both
    /// families are routed (<see cref="ContainerRoutes"/>); without Docker's view no container is known
    /// and the replies are judged the request's way back.
    /// </summary>
    public static ServerReplies Of(AuditedNetwork from, AuditedNetwork to, SymbolicPasses passes, AuditInputs inputs)
    {
        if (from.Subnet is not { } subnet || inputs.ViewInferred) return None;
        var clients = passes.ContainerAddresses(from);
        var servers = inputs.View.EndpointsOn(to.Name)
            .Where(x => x.Endpoint.Address(inputs.Family) is not null)
            .Select(x => new ServerReply(x.Container.Name, x.Endpoint.Address(inputs.Family)!.Value,
                ReplyWay.Of(x.Container, to, from, subnet.Bounds.First, inputs).Gated(from, clients, clients, passes, inputs)))
            .Where(s => s.Way.Asymmetric)
            .OrderBy(s => s.Address);
        return new ServerReplies([.. servers]);
    }

    /// <summary>One server, asked at <paramref name="address"/> on <paramref name="asked"/> by one client address.</summary>
    public static ServerReplies Of(DockerContainer server, UInt128 address, AuditedNetwork asked, AuditedNetwork client, UInt128 clientAddress, SymbolicPasses passes, AuditInputs inputs) =>
        ReplyWay.Of(server, asked, client, clientAddress, inputs) is { Asymmetric: true } way
            ? new([new ServerReply(server.Name, address, way.Gated(client, passes.ContainerAddresses(client), IntervalSet.Single(clientAddress), passes, inputs))])
            : None;

    /// <summary>
    /// The open pieces of a pair (<paramref name="from"/> to <paramref name="to"/>) cut by the fate of
    /// their replies and of their later packets (<see cref="LaterPackets"/>, the request's way): those to a server of <see cref="Asymmetric"/> that keep their source are judged
    /// on the server's way, a connection that completes there only if rp_filter lets the request in
    /// is only possible; the others (a source-NATed request is answered where it came in) on
    /// <paramref name="back"/>, the replies accepted the request's way.
    /// </summary>
    public List<(Box Box, string Kind, bool Possible)> Parts(List<Piece> open, AuditedNetwork from, AuditedNetwork to, IReadOnlyList<Box> back, SymbolicPasses passes, AuditInputs inputs,
        IReadOnlyList<Box>? maybeBack = null)
    {
        // The requests' later packets take the request's way whoever answers (oracle F38): one walk for them all.
        var later = LaterPackets.Of(open, passes);
        if (Asymmetric.IsEmpty) return PairReach.Parts(open, back, later, maybeReplies: maybeBack);
        var theirs = Asymmetric.Aggregate(IntervalSet.Empty, (s, r) => s.Union(IntervalSet.Single(r.Address)));
        var parts = PairReach.Parts(Cut(open, d => d.Subtract(theirs)), back, later, maybeReplies: maybeBack);
        foreach (var server in Asymmetric)
        {
            var mine = Cut(open, d => d.Intersect(IntervalSet.Single(server.Address))).Select(p => (Piece: p, Answer: NatAnswer(p, to, server, inputs))).ToList();
            parts.AddRange(PairReach.Parts(mine.Where(x => x.Answer == Answer.RequestsWay).Select(x => x.Piece), back, later, maybeReplies: maybeBack));
            var (own, maybeOwn) = server.Way.Accepted(to, from, passes, inputs);
            var kept = mine.Where(x => x.Answer != Answer.RequestsWay).Select(x => x.Piece).ToList();
            // A request SNATed to an address the server routes by another way than to the client is answered there: not known which.
            var unsure = mine.Where(x => x.Answer == Answer.Unsure).Select(x => x.Piece.Box).ToList();
            parts.AddRange(PairReach.Parts(kept, own, LaterOf(server.Way, kept, later, passes, inputs.Host), server.Way.In(passes.Space), maybeOwn)
                .Select(x => unsure.Any(b => b.Overlaps(x.Box)) || (!server.Way.Sure && x.Kind == ReplyFate.Connection) ? x with { Possible = true } : x));
        }

        return parts;
    }

    /// <summary>
    /// The later packets of the requests a server answers by its own way: the request's ESTABLISHED
    /// ones where the host's conntrack sees the replies, else those of an unreplied connection (oracle
    /// F46: the replies switched on the client's bridge without br_netfilter), either where unknown.
    /// </summary>
    private static LaterPackets LaterOf(ReplyWay way, List<Piece> kept, LaterPackets established, SymbolicPasses passes, HostSettings host) => way.Tracked switch
    {
        true => established,
        false => LaterPackets.Unconfirmed(kept, passes, host.HasTracker),
        null => LaterPackets.Either(established, LaterPackets.Unconfirmed(kept, passes, host.HasTracker)),
    };

    /// <summary>The servers to which some request that passes keeps its source: only their replies take their own way.</summary>
    public IEnumerable<ServerReply> Answering(IEnumerable<Piece> pieces, AuditedNetwork asked, AuditInputs inputs) =>
        Asymmetric.Where(s => pieces.Any(p => p.Verdict is ReachVerdict.Accept or ReachVerdict.Maybe && p.Box[Dimension.Dst].Contains(s.Address)
            && NatAnswer(p, asked, s, inputs) != Answer.RequestsWay));

    private enum Answer
    {
        /// <summary>The server answers the request's source by its own route (<see cref="ServerReply.Way"/>).</summary>
        OwnWay,

        /// <summary>The server answers the NAT address on the asked network: the reply comes back the request's way.</summary>
        RequestsWay,

        /// <summary>The server answers an SNAT address by a route other than its way to the client, or one not known.</summary>
        Unsure,
    }

    /// <summary>
    /// How a request's replies leave the server. A source-NATed request is answered at the NAT address:
    /// Docker's MASQUERADE out of the asked network's bridge takes the bridge's own address, on the asked
    /// network, so the reply comes back the request's way to be de-NATed; an SNAT to an address of the
    /// asked subnet too. An SNAT to another address (a network's <c>host_ipv4</c>) is answered by the
    /// server's route to that address (oracle F57), its way to the client when the two agree.
    /// </summary>
    private static Answer NatAnswer(Piece piece, AuditedNetwork asked, ServerReply server, AuditInputs inputs)
    {
        var nat = piece.Region.Rules.Select(r => PortReach.SourceOf(inputs.Ruleset, r)?.Target)
            .FirstOrDefault(t => t is Model.Targets.MasqueradeTarget or Model.Targets.SnatTarget);
        if (nat is null) return Answer.OwnWay;
        if (nat is not Model.Targets.SnatTarget { To: { First: { } first } to }) return Answer.RequestsWay;
        var last = to.Last ?? first;
        if (asked.Subnet is { } subnet && subnet.Contains(first) && subnet.Contains(last)) return Answer.RequestsWay;
        var container = inputs.ContainerAt(server.Address);
        var route = container is null ? null : ContainerRoutes.Leaving(container, first, inputs);
        return first == last && route is { Outcome: RouteOutcome.Known } known && known.Network == server.Way.Network ? Answer.OwnWay : Answer.Unsure;
    }

    private static List<Piece> Cut(IEnumerable<Piece> pieces, Func<IntervalSet, IntervalSet> dst) =>
        [.. pieces.Select(p => (Piece: p, Dst: dst(p.Box[Dimension.Dst]))).Where(x => !x.Dst.IsEmpty)
            .Select(x => x.Piece with { Box = x.Piece.Box.With(Dimension.Dst, x.Dst) })];
}

/// <summary>A server container at its address on the asked network, and the way its replies take.</summary>
public sealed record ServerReply(string Server, UInt128 Address, ReplyWay Way)
{
    /// <summary>
    /// How the replies go, in a few words: <paramref name="server"/> names the server as the report
    /// does, <paramref name="clientText"/> who is answered, on <paramref name="client"/>.
    /// </summary>
    public string Words(string server, AuditedNetwork client, string clientText) =>
        !Way.Returns ? $"{server} has no route back to {clientText}: replies never leave it"
        : Way.Unknown is { } why ? $"{server}'s way back to {clientText} is unknown: {why}"
        : Way.Network is not { } n ? $"{server} answers {clientText} by a network the audit does not judge: whether replies come back is unknown"
        : (n == client ? $"{server} answers from its own endpoint on {n.Name}: replies are switched on {n.Bridge}" + Way.Tracked switch
            {
                false => " past the host's conntrack (bridge-nf-call-iptables is 0), so the requests' later packets are not ESTABLISHED (TCP's are INVALID, the rest NEW)",
                null => " (whether the host's conntrack sees them, bridge-nf-call-iptables, is unknown: the requests' later packets may be INVALID)",
                _ => "",
            }
            : $"{server} answers through {n.Name} (its default route): replies enter the host on {n.Bridge}")
          + Way.Neighbours.Verdict switch
          {
              ReachVerdict.Drop => $", where its IPv6 neighbour discovery with {clientText} (ICMPv6 135/136) is dropped: no reply leaves it",
              null => $", where its IPv6 neighbour discovery with {clientText} (ICMPv6 135/136) may be dropped{(Way.NeighboursDoubt is { } doubt ? $" ({doubt})" : "")}: a connection is only possible",
              _ => "",
          }
          + (Way.Certain ? "" : $" ({Way.ReversePathDoubt ?? "a strict rp_filter, 1 or unknown here, would drop the request on arrival"}: a connection is only possible)");
}
