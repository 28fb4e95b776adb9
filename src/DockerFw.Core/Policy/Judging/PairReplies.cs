using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Semantics.Connections;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Policy.Judging;

/// <summary>
/// Where a pair's replies are judged: <see cref="Back"/>, the request's way back; <see cref="Own"/>, the
/// server's own way through the client's bridge (null: the same), taken by the replies of requests
/// that keep their source, and <see cref="Gate"/>, whether the server finds the client's link there.
/// </summary>
internal sealed record PairReplies(RegionCut Walk, Box Back, Box? Own, NeighbourFate Gate)
{
    /// <summary>
    /// The client's bridge switches the server's own replies without iptables (bridge-nf-call-iptables
    /// 0): no rule judges them, and the host's conntrack never sees them (oracle F46).
    /// </summary>
    public bool OwnUnfiltered { get; init; }
}

/// <summary>
/// The fate of a pair's replies on one way: the regions of the reply walk there, the requests
/// (by protocol, ports and ICMP types) whose replies die or may, and whether the server finds the client's link.
/// </summary>
internal sealed record PairReplyFates(IpFamily Family, List<(ReachRegion Region, PacketSet Packets)> Regions, ReachResult Walk, NeighbourFate Gate, PacketSet Dying, PacketSet Unsure)
{
    /// <summary>Replies no rule sees: every one comes back.</summary>
    public static PairReplyFates Unfiltered(PacketSpace space, RegionCut walk) => new(space.Family, [], walk.Result, NeighbourFate.Passes, PacketSet.Empty, PacketSet.Empty);

    public static PairReplyFates Of(PacketSpace space, RegionCut walk, Box way, NeighbourFate gate)
    {
        var regions = walk.Within(way).ToList();
        PacketSet RepliesOf(Func<ReachVerdict, bool> verdict) =>
            PairJudge.RequestsOf(space.Family, PairJudge.Ports(space, regions.Where(r => verdict(r.Region.Verdict)).Aggregate(PacketSet.Empty, (set, r) => set.Union(r.Packets))));
        var every = PacketSet.Of(space.Whole());
        // The server never finds the client's link: no reply leaves it; unsure, none surely does.
        var dying = gate.Verdict == ReachVerdict.Drop ? every : RepliesOf(v => v is ReachVerdict.Drop or ReachVerdict.Reject);
        var unsure = gate.Verdict is null ? every : RepliesOf(v => v is not (ReachVerdict.Accept or ReachVerdict.Drop or ReachVerdict.Reject));
        return new(space.Family, regions, walk.Result, gate, dying, unsure);
    }

    /// <summary>The replies of <paramref name="connecting"/> (reply ports) this way drops, or may, as verdicts on their requests.</summary>
    public IEnumerable<PairVerdict> Dropping(ContainerOnNetwork from, ContainerOnNetwork to, PacketSet connecting)
    {
        if (connecting.IsEmpty) yield break;
        if (Gate is { Verdict: not ReachVerdict.Accept, Walk: { } gateWalk })
        {
            yield return new(from, to, PairJudge.RequestsOf(Family, connecting), Gate.Verdict == ReachVerdict.Drop ? Reachability.OneWay : null, Reachability.Reachable)
            {
                DecidedIn = (Gate.Deciding[0], gateWalk), Reply = true, Neighbours = Gate,
            };
            yield break;
        }

        foreach (var (region, inPair) in Regions.Where(r => r.Region.Verdict != ReachVerdict.Accept))
        {
            var dropped = inPair.Intersect(connecting);
            // A reply the rules only may drop makes its connection unsure, not one-way (oracle F56's class).
            if (!dropped.IsEmpty)
                yield return new(from, to, PairJudge.RequestsOf(Family, dropped), region.Verdict == ReachVerdict.Maybe ? null : Reachability.OneWay, Reachability.Reachable)
                {
                    DecidedIn = (region, Walk), Reply = true,
                };
        }
    }
}

/// <summary>
/// A pair's reply fates by the way the replies take (the server's own, or back the request's way) and
/// by the virtual states of their connection (oracle F45: xt_conntrack's <c>--ctstate SNAT/DNAT</c>
/// reads the entry's status, so a masqueraded request's replies are ESTABLISHED and SNAT), each cut
/// from the reply walk once when first asked. The walk holds those states only where a rule tests
/// them (<see cref="Remediation.ContainerWalks"/>), so elsewhere every connection reads as not NATed.
/// </summary>
internal sealed class ReplyFatesByNat(PacketSpace space, PairReplies replies)
{
    private readonly Dictionary<(bool Own, ConntrackStates Nat), PairReplyFates> _fates = [];

    public PairReplyFates Of(bool own, ConntrackStates nat)
    {
        own &= replies.Own is not null;
        if (_fates.TryGetValue((own, nat), out var fates)) return fates;
        Box Stated(Box way) => way.With(Dimension.State, IntervalSet.Single((UInt128)(int)(ConntrackStates.Established | nat)));
        fates = !own ? PairReplyFates.Of(space, replies.Walk, Stated(replies.Back), NeighbourFate.Passes)
            : replies.OwnUnfiltered ? PairReplyFates.Unfiltered(space, replies.Walk)
            : PairReplyFates.Of(space, replies.Walk, Stated(replies.Own!), replies.Gate);
        return _fates[(own, nat)] = fates;
    }
}
