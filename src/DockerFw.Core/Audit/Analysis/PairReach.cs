using System.Collections.Immutable;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// New connections from the containers of one network to those of another: the verdict, the flows
/// allowed (and whether their replies come back), and the rules that open the way. Two networks
/// share no link: over IPv6 each container finds its gateway, the host, whose neighbour discovery
/// crosses INPUT and OUTPUT, not the forward hook, so the gate of one bridge's pairs
/// (<see cref="NeighbourDiscoveryGate"/>) is no question here; the host's own is not judged yet.
/// </summary>
public sealed record PairReach(
    AuditedNetwork From,
    AuditedNetwork To,
    ReachabilityVerdict Verdict,
    ImmutableArray<AllowedFlow> Flows,
    ImmutableArray<Evidence> Opening)
{
    public static PairReach Of(AuditedNetwork from, AuditedNetwork to, SymbolicPasses passes, AuditInputs inputs)
    {
        if (!passes.From(from).TryGetValue(to.Bridge, out var all) || !all.Any(p => p.Verdict is ReachVerdict.Accept or ReachVerdict.Maybe))
            return new PairReach(from, to, ReachabilityVerdict.Denied, [], []);
        // From A's containers only: the host's own address on A's bridge is no container (arriving on
        // the bridge it is a martian source the kernel drops), and Docker's `--src-type LOCAL`
        // masquerade would make it a connection beside the containers' one-way flow to the same server.
        var toContainers = passes.ToContainersOf(all, to);
        var pieces = passes.ToContainersOf(toContainers, from, Dimension.Src);
        // Connections only: the ICMPv6 messages conntrack never tracks open none (UntrackedIcmpV6).
        if (from.Family == IpFamily.V6) pieces = [.. UntrackedIcmpV6.Without(pieces)];
        // A multi-homed container of `to` answers by its own routes (oracle F10), as in the container matrix.
        var replies = ServerReplies.Of(from, to, passes, inputs);
        var (back, maybeBack) = AcceptedReplies(from, to, passes);
        // Sources named where the flows differ by them (oracle F34: replies that die for some of from's containers only).
        var (verdict, flows) = Judge(pieces, open => replies.Parts(open, from, to, back, passes, inputs, maybeBack), passes.ContainerAddresses(to), passes.Space, from.Family,
            passes.ContainerAddresses(from));
        var open = pieces.Where(p => p.Verdict is ReachVerdict.Accept or ReachVerdict.Maybe);
        var own = verdict == ReachabilityVerdict.Denied ? [] : replies.Answering(pieces, to, inputs)
            .Select(s => s.Words($"{s.Server} at {to.Format(s.Address)}", from, $"{from.Name}'s containers")).ToList();
        return new PairReach(from, to, verdict, flows, Deciding(open, inputs, "opens the way"))
        {
            ReplyWay = own.Count == 0 ? null : string.Join("; ", own),
            Escape = [.. IsolationEscape.Evidence(toContainers.Where(p => p.Verdict is ReachVerdict.Accept or ReachVerdict.Maybe), inputs.Ruleset)],
        };
    }

    /// <summary>
    /// The rules that open the pair as the isolation check names them (<see cref="IsolationEscape"/>:
    /// an isolation chain's early RETURN where one let the packets out), from any container address of
    /// <see cref="From"/>'s pass. Judged here, with the pass at hand: the passes keep only the last
    /// network's, and asking it again per pair walked every source network twice.
    /// </summary>
    public ImmutableArray<Evidence> Escape { get; init; } = [];

    /// <summary>How the replies of the multi-homed servers that answer by their own routes go (null: every reply comes back the request's way).</summary>
    public string? ReplyWay { get; init; }

    /// <summary>
    /// The verdict and flows of the pieces of one question: allowed when every packet passes and every
    /// reply, and every later packet of the requests, comes back or follows, else partial with the open
    /// pieces cut by <paramref name="partsOf"/> where the fate of their replies and later packets changes
    /// (see <see cref="ReplyFate"/>), or denied when nothing passes. <paramref name="whole"/> holds the
    /// destinations asked about, <paramref name="sources"/> the sources: a flow names those it holds for
    /// when fewer (null: it names none).
    /// </summary>
    public static (ReachabilityVerdict Verdict, ImmutableArray<AllowedFlow> Flows) Judge(
        IReadOnlyList<Piece> pieces, Func<List<Piece>, List<(Box Box, string Kind, bool Possible)>> partsOf, IntervalSet whole, PacketSpace space, IpFamily family = IpFamily.V4,
        IntervalSet? sources = null)
    {
        var open = pieces.Where(p => p.Verdict is ReachVerdict.Accept or ReachVerdict.Maybe).ToList();
        if (open.Count == 0) return (ReachabilityVerdict.Denied, []);
        var parts = partsOf(open);
        if (!pieces.Any(p => p.Verdict is ReachVerdict.Drop or ReachVerdict.Reject) && open.All(p => p.Verdict == ReachVerdict.Accept) && !parts.Any(p => p.Possible))
        {
            if (parts.All(p => p.Kind == ReplyFate.Connection)) return (ReachabilityVerdict.Allowed, [new AllowedFlow("all", null, null, ReplyFate.Connection)]);
            // Packets that get in but whose replies die complete no connection: the pair is open one
            // way only, which is not "allowed" (every new connection passes).
            if (parts.All(p => p.Kind == ReplyFate.OneWay)) return (ReachabilityVerdict.Partial, [new AllowedFlow("all", null, null, ReplyFate.OneWay)]);
            // Openings answered but whose later packets die carry no data (oracle F38): not "allowed" either.
            if (parts.All(p => p.Kind == ReplyFate.OpeningOnly)) return (ReachabilityVerdict.Partial, [new AllowedFlow("all", null, null, ReplyFate.OpeningOnly)]);
        }

        return (ReachabilityVerdict.Partial, Merge(parts, whole, space, family, sources));
    }

    /// <summary>
    /// The open pieces cut by the fate of their replies and of their later packets (<paramref name="later"/>),
    /// each part with its kind and whether it only may pass; <paramref name="replyIn"/> is where the
    /// replies enter when not the request's way back.
    /// </summary>
    public static List<(Box Box, string Kind, bool Possible)> Parts(IEnumerable<Piece> open, IReadOnlyList<Box> acceptedReplies, LaterPackets later, IntervalSet? replyIn = null,
        IReadOnlyList<Box>? maybeReplies = null) =>
        [.. open.SelectMany(p => ReplyFate.Split(p.Box, acceptedReplies, later, replyIn, maybeReplies).Select(s => (s.Box, s.Kind, p.Verdict == ReachVerdict.Maybe || s.Possible)))];

    /// <summary>
    /// The replies from <paramref name="to"/>'s bridge to <paramref name="from"/>'s containers that the
    /// rules accept, given as ESTABLISHED, the state <see cref="ReplyFate.Mirror"/> asks them in: a reply
    /// counts as accepted when it is in the state its connection has. The replies of a connection NAT
    /// marked (Docker's <c>! -o bridge -j MASQUERADE</c> between networks, an admin's SNAT or DNAT) carry
    /// its virtual states (oracle F45, <see cref="ConnectionNat"/>), so a <c>--ctstate SNAT</c> drop in
    /// FORWARD meets them: those are asked again with the states of the requests' region. Only where some
    /// rule tests the virtual states; elsewhere every reply meets the same rules whatever its state.
    /// </summary>
    public static (IReadOnlyList<Box> Accepted, IReadOnlyList<Box> Maybe) AcceptedReplies(AuditedNetwork from, AuditedNetwork to, SymbolicPasses passes)
    {
        var pieces = passes.RepliesTo(from).TryGetValue(to.Bridge, out var r) ? r : [];
        var plain = passes.AcceptedRepliesFrom(from, to.Bridge);
        IReadOnlyList<Box> plainMaybe = [.. pieces.Where(p => p.Verdict == ReachVerdict.Maybe).Select(p => p.Box)];
        if (!ConnectionNat.Tested(passes.Rules) || !passes.From(from).TryGetValue(to.Bridge, out var requests)) return (plain, plainMaybe);
        var nated = requests.Where(p => p.Verdict is ReachVerdict.Accept or ReachVerdict.Maybe)
            .Select(p => (Reply: ReplyFate.Mirror(p.Box), Nat: ConnectionNat.Of(p.Region)))
            .Where(x => x.Nat != ConntrackStates.None).ToList();
        if (nated.Count == 0) return (plain, plainMaybe);
        var (accepted, maybe) = passes.Fates(new PacketSet([.. nated.SelectMany(x => ConnectionNat.Replies(x.Reply, x.Nat))]), answers: true, told: ToldConnection.Replies);
        var renated = nated.Select(x => x.Reply).ToList();
        return ([.. new PacketSet([.. plain]).Subtract(renated).Boxes, .. accepted.Select(ConnectionNat.AsMirrored)],
            [.. new PacketSet([.. plainMaybe]).Subtract(renated).Boxes, .. maybe.Select(ConnectionNat.AsMirrored)]);
    }

    /// <summary>The parts as flows (<see cref="FlowMerge"/>), their sources named where they differ when <paramref name="sources"/> is given.</summary>
    public static ImmutableArray<AllowedFlow> Merge(IEnumerable<(Box Box, string Kind, bool Possible)> parts, IntervalSet whole, PacketSpace space, IpFamily family = IpFamily.V4,
        IntervalSet? sources = null) => FlowMerge.Of(parts, whole, space, family, sources);

    public ReachabilityEntry ToEntry() => new(From.Name, To.Name, Verdict, Flows) { ReplyWay = ReplyWay };

    private static ImmutableArray<Evidence> Deciding(IEnumerable<Piece> pieces, AuditInputs inputs, string role) =>
        [.. pieces.Select(p => EvidenceOf.Deciding(p.Region)).OfType<ResponsibleRule>().Distinct()
            .Select(r => EvidenceOf.Rule(inputs.Ruleset, r, role))];
}
