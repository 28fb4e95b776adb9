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
    /// Every ordered pair of endpoints of distinct containers, source network by source network. A
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
                foreach (var to in endpoints.Where(e => e.Container != from.Container))
                    entries.Add(Of(from, to, walked, passes, inputs));
        }

        return entries.ToImmutable();
    }

    private static ContainerReachabilityEntry Of(Endpoint from, Endpoint to, IReadOnlyDictionary<string, List<Piece>> walked, SymbolicPasses passes, AuditInputs inputs)
    {
        var (verdict, flows) = from.Network == to.Network && inputs.Host.BridgedTrafficFiltered(from.Network.Bridge) == false
            // Frames switched inside a bridge never reach iptables without br_netfilter.
            ? (ReachabilityVerdict.Allowed, [new AllowedFlow("all", null, null, "connection")])
            : Judge(Between(walked, from, to), from.Network, to.Network, passes, IntervalSet.Single(to.Address));
        return new ContainerReachabilityEntry(
            from.Container, from.Network.Name, from.Network.Format(from.Address),
            to.Container, to.Network.Name, to.Network.Format(to.Address),
            verdict, flows);
    }

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

    /// <summary>As between networks (<see cref="PairReach.Judge"/>), cut down to the two addresses.</summary>
    private static (ReachabilityVerdict, ImmutableArray<AllowedFlow>) Judge(List<Piece> pieces, AuditedNetwork from, AuditedNetwork to, SymbolicPasses passes, IntervalSet whole) =>
        pieces.Any(p => p.Verdict is ReachVerdict.Accept or ReachVerdict.Maybe)
            ? PairReach.Judge(pieces, PairReach.AcceptedReplies(from, to, passes), whole, passes.Space)
            : (ReachabilityVerdict.Denied, []);

    private static IEnumerable<Endpoint> EndpointsOn(AuditedNetwork network, DockerView view) =>
        view.Containers
            .SelectMany(c => c.Endpoints.Where(e => e.Network == network.Name && e.Ipv4 is not null).Select(e => new Endpoint(c.Name, network, e.Ipv4!.Value)))
            .OrderBy(e => e.Address);

    private sealed record Endpoint(string Container, AuditedNetwork Network, UInt128 Address);
}
