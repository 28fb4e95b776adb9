using System.Collections.Immutable;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// Effective icc, proven over every NEW packet from one container of a network to another: the
/// network's own symbolic pass (the one its row of the matrix is cut from) restricted to the
/// network's real containers when Docker's view names two or more, else to every address of the
/// subnet but the gateway. Flows Docker's legacy-link rules open are links, not icc (see
/// <see cref="LinkFacts"/>). Flows dockerfw's policy chain opens (an <c>allow A -&gt; B</c> inside
/// an <c>icc off</c> block) are icc as the kernel sees it, partial: <c>audit --policy</c> sets the
/// finding apart as intended (<see cref="PolicyIntentions"/>), the fact stays true to the traffic.
/// </summary>
public static class IccFacts
{
    public static Effect Judge(AuditedNetwork n, IReadOnlyDictionary<string, List<Piece>> walked, SymbolicPasses passes, AuditInputs inputs)
    {
        // Frames switched inside a bridge never reach iptables without br_netfilter.
        if (inputs.Host.BridgedTrafficFiltered(n.Bridge, n.Family) == false) return Effect.On([]);
        if (!walked.TryGetValue(n.Bridge, out var all)) return Effect.Off([]);
        var containers = Containers(n, inputs, passes);
        // Over IPv6 the containers must first find each other's link, through the same hook.
        var (nd, dropping) = n.Family == IpFamily.V6 ? NeighbourDiscoveryGate.Judge(n.Bridge, containers, passes, inputs.Ruleset) : (ReachVerdict.Accept, []);
        if (nd == ReachVerdict.Drop) return Effect.Off(dropping);

        var pieces = Pieces(n, all, containers);
        var open = pieces.Where(p => p.Verdict is ReachVerdict.Accept or ReachVerdict.Maybe).ToList();
        var closed = pieces.Where(p => p.Verdict is ReachVerdict.Drop or ReachVerdict.Reject).ToList();
        if (open.Count == 0) return Effect.Off(Deciding(closed, inputs, "blocks traffic between containers of the bridge"));
        // Neighbour discovery the rules cannot decide leaves whatever the packets themselves may do unknown.
        if (nd is null) return Effect.Unknown;
        // Nothing the engine is sure of: as before, the fact is unknown rather than guessed.
        if (open.All(p => p.Verdict == ReachVerdict.Maybe) && closed.Count == 0) return Effect.Unknown;
        var evidence = Deciding(open, inputs, "accepts traffic between containers of the bridge");
        // The replies alone are walked (not every reply to the network, as the matrix does), and the
        // requests' later packets (oracle F38), in one walk, so an icc=true network costs one small walk.
        var (replies, maybeReplies, later) = LaterPackets.WithReplies(open, passes);
        var parts = PairReach.Parts(open, replies, later, maybeReplies: maybeReplies);
        if (closed.Count == 0 && open.All(p => p.Verdict == ReachVerdict.Accept) && parts.All(p => p.Kind == ReplyFate.Connection))
            return Effect.On(evidence);
        // The flows name their sources where they differ, as the network matrix's do (oracle F34).
        return new Effect(ReachabilityVerdict.Partial, PairReach.Merge(parts, containers, passes.Space, n.Family, containers), evidence);
    }

    /// <summary>
    /// The network's NEW packets from one of <paramref name="containers"/> to another, cut into the
    /// pieces of its symbolic pass, without what Docker's link rules decide and the ICMPv6 messages that
    /// open no connection (<see cref="UntrackedIcmpV6"/>: neighbour discovery has its own gate).
    /// </summary>
    public static List<Piece> Pieces(AuditedNetwork n, IEnumerable<Piece> walked, IntervalSet containers)
    {
        var pieces = Between(walked, containers).Where(p => !OpenedByLink(p));
        return [.. n.Family == IpFamily.V6 ? UntrackedIcmpV6.Without(pieces) : pieces];
    }

    /// <summary>
    /// The addresses icc is about: the network's containers in Docker's view (two or more), else
    /// every address of the subnet but the gateway.
    /// </summary>
    public static IntervalSet Containers(AuditedNetwork n, AuditInputs inputs, SymbolicPasses passes)
    {
        if (inputs.ViewInferred) return passes.ContainerAddresses(n);
        // The view's endpoints by network: scanning every container for every network is N² on a host of N networks.
        var addresses = inputs.View.EndpointsOn(n.Name)
            .Select(x => n.Family == IpFamily.V4 ? x.Endpoint.Ipv4 : x.Endpoint.Ipv6)
            .OfType<UInt128>().Distinct().ToList();
        return addresses.Count < 2 ? passes.ContainerAddresses(n) : IntervalSet.FromValues(addresses);
    }

    /// <summary>The pieces cut to packets from one of the addresses to another (a container's packets to itself never leave it).</summary>
    private static IEnumerable<Piece> Between(IEnumerable<Piece> pieces, IntervalSet addresses)
    {
        foreach (var p in pieces)
        {
            var src = p.Box[Dimension.Src].Intersect(addresses);
            var dst = p.Box[Dimension.Dst].Intersect(addresses);
            if (src.IsEmpty || dst.IsEmpty || (src.Cardinality == 1 && src.Equals(dst))) continue;
            yield return p with { Box = p.Box.With(Dimension.Src, src).With(Dimension.Dst, dst) };
        }
    }

    /// <summary>Accepted by Docker's own link rule (filter DOCKER, one source, one destination, one protocol): judged as links.</summary>
    private static bool OpenedByLink(Piece p)
    {
        if (p.Verdict != ReachVerdict.Accept || EvidenceOf.Deciding(p.Region) is not { Table: "filter" } rule) return false;
        var b = p.Box;
        return rule.Chain is "DOCKER"
            && b[Dimension.Src].Cardinality == 1 && b[Dimension.Dst].Cardinality == 1 && b[Dimension.Proto].Cardinality == 1;
    }

    private static ImmutableArray<Evidence> Deciding(IEnumerable<Piece> pieces, AuditInputs inputs, string role) =>
        [.. pieces.Select(p => EvidenceOf.Deciding(p.Region)).OfType<ResponsibleRule>().Distinct()
            .Select(r => EvidenceOf.Rule(inputs.Ruleset, r, role))];
}
