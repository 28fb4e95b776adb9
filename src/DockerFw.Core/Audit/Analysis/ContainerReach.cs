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
    /// bridges have no say in it. IPv4 pairs first, then the IPv6 ones (their own analysis, when there
    /// is one), each pair at its endpoints' addresses of that family.
    /// </summary>
    public static ImmutableArray<ContainerReachabilityEntry> Matrix(AuditAnalysis analysis) =>
        analysis.V6 is { } v6 ? [.. Of(analysis), .. Of(v6)] : Of(analysis);

    private static ImmutableArray<ContainerReachabilityEntry> Of(AuditAnalysis analysis)
    {
        var inputs = analysis.Inputs;
        var endpoints = inputs.Networks.SelectMany(n => EndpointsOn(n, inputs.View)).ToList();
        var entries = ImmutableArray.CreateBuilder<ContainerReachabilityEntry>();
        var gates = analysis.Passes.Neighbours;
        var members = endpoints.GroupBy(e => e.Network).ToDictionary(g => g.Key, g => IntervalSet.FromValues(g.Select(e => e.Address)));
        foreach (var source in inputs.Networks)
        {
            var mine = endpoints.Where(e => e.Network == source).ToList();
            if (mine.Count == 0) continue;
            // Asked once per source network: the passes keep only the last network's answer.
            var passes = analysis.Passes;
            var walked = passes.From(source);
            foreach (var from in mine)
                foreach (var to in endpoints.Where(e => e.Container != from.Container && SentFrom(from, e, inputs)))
                    entries.Add(Of(from, to, walked, passes, inputs, (gates, members[from.Network])));
        }

        return entries.ToImmutable();
    }

    /// <summary>Whether the source container's route to the destination address leaves by this endpoint.</summary>
    private static bool SentFrom(Endpoint from, Endpoint to, AuditInputs inputs) =>
        ContainerRoutes.Leaving(from.Owner, to.Address, inputs) is { Outcome: RouteOutcome.Known } route
            && route.Network == from.Network && route.Address == from.Address;

    private static ContainerReachabilityEntry Of(Endpoint from, Endpoint to, IReadOnlyDictionary<string, List<Piece>> walked, SymbolicPasses passes, AuditInputs inputs,
        (NeighbourGates Gates, IntervalSet Members) neighbours)
    {
        // The server answers by its own routes (ServerReplies, as the network matrix judges them).
        var replies = ServerReplies.Of(to.Owner, to.Address, to.Network, from.Network, from.Address, passes, inputs);
        var (back, maybeBack) = PairReach.AcceptedReplies(from.Network, to.Network, passes);
        var unfiltered = from.Network == to.Network && inputs.Host.BridgedTrafficFiltered(from.Network.Bridge, from.Network.Family) == false;
        var pieces = unfiltered ? new List<Piece>() : Gated(Between(walked, from, to), from, to, neighbours);
        var (verdict, flows) = unfiltered
            // Frames switched inside a bridge never reach iptables without br_netfilter.
            ? (ReachabilityVerdict.Allowed, [new AllowedFlow("all", null, null, "connection")])
            : PairReach.Judge(pieces, open => replies.Parts(open, from.Network, to.Network, back, passes, inputs, maybeBack), IntervalSet.Single(to.Address), passes.Space, from.Network.Family,
                IntervalSet.Single(from.Address));
        // Said only where a request that passes keeps its source: the others are answered the way they came.
        var own = verdict == ReachabilityVerdict.Denied ? null : replies.Answering(pieces, to.Network, inputs).FirstOrDefault();
        return new ContainerReachabilityEntry(
            from.Container, from.Network.Name, from.Network.Format(from.Address),
            to.Container, to.Network.Name, to.Network.Format(to.Address),
            verdict, flows)
        {
            ReplyWay = own?.Words(to.Container, from.Network, from.Network.Format(from.Address)),
        };
    }

    /// <summary>
    /// Two containers of one bridge over IPv6 must find each other's link first
    /// (<see cref="NeighbourDiscoveryGate"/>): dropped, nothing between them passes; unsure, what the
    /// rules accept only may. Between bridges the host routes, and its own neighbour discovery (in
    /// INPUT and OUTPUT, not FORWARD) is not judged here.
    /// </summary>
    private static List<Piece> Gated(List<Piece> pieces, Endpoint from, Endpoint to, (NeighbourGates Gates, IntervalSet Members) neighbours)
    {
        if (from.Network.Family != IpFamily.V6 || from.Network != to.Network) return pieces;
        return neighbours.Gates.Between(from.Network.Bridge, neighbours.Members, from.Address, to.Address).Verdict switch
        {
            ReachVerdict.Accept => pieces,
            ReachVerdict.Drop => [],
            _ => [.. pieces.Select(p => p.Verdict == ReachVerdict.Accept ? p with { Region = p.Region with { Verdict = ReachVerdict.Maybe } } : p)],
        };
    }

    /// <summary>
    /// The pieces of the source network's walk that carry packets from one address to the other, but
    /// the ICMPv6 messages that open no connection (<see cref="UntrackedIcmpV6"/>).
    /// </summary>
    private static List<Piece> Between(IReadOnlyDictionary<string, List<Piece>> walked, Endpoint from, Endpoint to)
    {
        var pieces = new List<Piece>();
        if (!walked.TryGetValue(to.Network.Bridge, out var all)) return pieces;
        var src = IntervalSet.Single(from.Address);
        var dst = IntervalSet.Single(to.Address);
        foreach (var p in all)
            if (p.Box[Dimension.Src].Overlaps(src) && p.Box[Dimension.Dst].Overlaps(dst))
                pieces.Add(p with { Box = p.Box.With(Dimension.Src, src).With(Dimension.Dst, dst) });
        return to.Network.Family == IpFamily.V6 ? [.. UntrackedIcmpV6.Without(pieces)] : pieces;
    }

    private static IEnumerable<Endpoint> EndpointsOn(AuditedNetwork network, DockerView view) =>
        view.Containers
            .SelectMany(c => c.Endpoints.Where(e => e.Network == network.Name && e.Address(network.Family) is not null).Select(e => new Endpoint(c, network, e.Address(network.Family)!.Value)))
            .OrderBy(e => e.Address);

    private sealed record Endpoint(DockerContainer Owner, AuditedNetwork Network, UInt128 Address)
    {
        public string Container => Owner.Name;
    }
}
