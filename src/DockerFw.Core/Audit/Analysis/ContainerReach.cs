using System.Collections.Immutable;
using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// New connections from one container to another, each at its address on a bridge network. The
/// answer is the network pair's symbolic pass cut down to the two addresses: the walk already
/// partitions every packet from the source subnet, so no new walk is needed.
/// </summary>
public static class ContainerReach
{
    /// <summary>
    /// Every ordered pair of endpoints of distinct containers that a packet can take, source network
    /// by source network. A container's request to an address leaves by the one endpoint its routes
    /// pick (<see cref="ContainerRoutes"/>): its other endpoints never send it, so they are no pair. A
    /// container reaching its own address on another network never leaves its namespace, so the
    /// bridges have no say in it.
    /// </summary>
    public static ImmutableArray<ContainerReachabilityEntry> Matrix(AuditAnalysis analysis)
    {
        var inputs = analysis.Inputs;
        var endpoints = inputs.Networks.SelectMany(n => EndpointsOn(n, inputs.View)).ToList();
        var entries = ImmutableArray.CreateBuilder<ContainerReachabilityEntry>();
        foreach (var source in inputs.Networks)
        {
            var mine = endpoints.Where(e => e.Network == source).ToList();
            if (mine.Count == 0) continue;
            // Asked once per source network: the passes keep only the last network's answer.
            var passes = analysis.Passes;
            var walked = passes.From(source);
            foreach (var from in mine)
                foreach (var to in endpoints.Where(e => e.Container != from.Container && SentFrom(from, e, inputs)))
                    entries.Add(Of(from, to, walked, passes, inputs));
        }

        return entries.ToImmutable();
    }

    /// <summary>Whether the source container's route to the destination address leaves by this endpoint.</summary>
    private static bool SentFrom(Endpoint from, Endpoint to, AuditInputs inputs) =>
        ContainerRoutes.Leaving(from.Owner, to.Address, inputs) is { Outcome: RouteOutcome.Known } route
            && route.Network == from.Network && route.Address == from.Address;

    private static ContainerReachabilityEntry Of(Endpoint from, Endpoint to, IReadOnlyDictionary<string, List<Piece>> walked, SymbolicPasses passes, AuditInputs inputs)
    {
        var reply = ReplyWay.Of(to.Owner, to.Network, from.Network, from.Address, inputs);
        var pieces = Between(walked, from, to);
        var (verdict, flows) = from.Network == to.Network && inputs.Host.BridgedTrafficFiltered(from.Network.Bridge) == false
            // Frames switched inside a bridge never reach iptables without br_netfilter.
            ? (ReachabilityVerdict.Allowed, [new AllowedFlow("all", null, null, "connection")])
            : Judge(pieces, from.Network, to.Network, passes, IntervalSet.Single(to.Address), reply, inputs);
        // Said only where a request that passes keeps its source: the others are answered the way they came.
        var ownWay = reply.Asymmetric && verdict != ReachabilityVerdict.Denied
            && pieces.Any(p => p.Verdict is ReachVerdict.Accept or ReachVerdict.Maybe && !SourceNated(p, inputs));
        return new ContainerReachabilityEntry(
            from.Container, from.Network.Name, from.Network.Format(from.Address),
            to.Container, to.Network.Name, to.Network.Format(to.Address),
            verdict, flows)
        {
            ReplyWay = ownWay ? ReplyWords(reply, to, from) : null,
        };
    }

    /// <summary>How a reply that does not come back the request's way goes, in a few words.</summary>
    private static string ReplyWords(ReplyWay reply, Endpoint server, Endpoint client) =>
        !reply.Returns ? $"{server.Container} has no route back to {client.Network.Format(client.Address)}: replies never leave it"
        : reply.Network is not { } n ? $"{server.Container} answers {client.Network.Format(client.Address)} by a network the audit does not judge: whether replies come back is unknown"
        : (n == client.Network ? $"{server.Container} answers from its own endpoint on {n.Name}: replies are switched on {n.Bridge}"
            : $"{server.Container} answers through {n.Name} (its default route): replies enter the host on {n.Bridge}")
          + (reply.Certain ? "" : " (a strict rp_filter, 1 or unknown here, would drop the request on arrival: a connection is only possible)");

    /// <summary>The pieces of the source network's walk that carry packets from one address to the other.</summary>
    private static List<Piece> Between(IReadOnlyDictionary<string, List<Piece>> walked, Endpoint from, Endpoint to)
    {
        var pieces = new List<Piece>();
        if (!walked.TryGetValue(to.Network.Bridge, out var all)) return pieces;
        var src = IntervalSet.Single(from.Address);
        var dst = IntervalSet.Single(to.Address);
        foreach (var p in all)
            if (p.Box[Dimension.Src].Overlaps(src) && p.Box[Dimension.Dst].Overlaps(dst))
                pieces.Add(p with { Box = p.Box.With(Dimension.Src, src).With(Dimension.Dst, dst) });
        return pieces;
    }

    /// <summary>
    /// As between networks (<see cref="PairReach.Judge"/>), cut down to the two addresses, the replies
    /// judged on the way the server sends them (<see cref="ReplyWay"/>); a connection whose completion
    /// that way cannot be known is only possible.
    /// </summary>
    private static (ReachabilityVerdict, ImmutableArray<AllowedFlow>) Judge(List<Piece> pieces, AuditedNetwork from, AuditedNetwork to, SymbolicPasses passes, IntervalSet whole, ReplyWay reply, AuditInputs inputs)
    {
        var back = PairReach.AcceptedReplies(from, to, passes);
        if (!reply.Asymmetric) return PairReach.Judge(pieces, back, whole, passes.Space);
        var own = reply.Accepted(to, from, passes, inputs);
        var replyIn = reply.In(passes.Space);
        return PairReach.Judge(pieces, open =>
        [
            .. PairReach.Parts(open.Where(p => SourceNated(p, inputs)), back),
            .. PairReach.Parts(open.Where(p => !SourceNated(p, inputs)), own, replyIn)
                .Select(x => reply.Certain || x.Kind != ReplyFate.Connection ? x : x with { Possible = true }),
        ], whole, passes.Space);
    }

    /// <summary>
    /// Whether the request is source-NATed on its way (Docker masquerades a network's traffic leaving
    /// by another interface, so a request to another network arrives from that network's gateway):
    /// the server then answers the NAT address, on the network the request came in by, and the reply
    /// comes back the request's way, to be de-NATed. Only a request that keeps its source is answered
    /// by the server's own route to it.
    /// </summary>
    private static bool SourceNated(Piece piece, AuditInputs inputs) =>
        piece.Region.Rules.Any(r => PortReach.SourceOf(inputs.Ruleset, r)?.Target is Model.Targets.MasqueradeTarget or Model.Targets.SnatTarget);

    private static IEnumerable<Endpoint> EndpointsOn(AuditedNetwork network, DockerView view) =>
        view.Containers
            .SelectMany(c => c.Endpoints.Where(e => e.Network == network.Name && e.Ipv4 is not null).Select(e => new Endpoint(c, network, e.Ipv4!.Value)))
            .OrderBy(e => e.Address);

    private sealed record Endpoint(DockerContainer Owner, AuditedNetwork Network, UInt128 Address)
    {
        public string Container => Owner.Name;
    }
}
