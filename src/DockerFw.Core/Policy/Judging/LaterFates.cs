using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Remediation;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Connections;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Policy.Judging;

/// <summary>
/// The fate of a pair's later packets (oracle F38): once a reply is seen, conntrack marks the requests'
/// further packets ESTABLISHED (TCP's handshake ACK and data, a UDP flow's next datagrams, ping's
/// second echo request), and they take the request's way. The server's reply walk holds them (every
/// container's ESTABLISHED packets to it, TCP's with ACK set), cut to the client's address and bridge,
/// so no walk is added: an admin's <c>--ctstate NEW -j ACCEPT</c> then <c>-j DROP</c> lets the opening
/// and its replies through and nothing after, which the audit's matrices say as <c>opening-only</c>.
/// </summary>
internal sealed class LaterFates(RegionCut walk, Box way, Func<Box, ConntrackStates, IEnumerable<Box>>? next = null, LaterFates? or = null)
{
    /// <summary>
    /// The later packets of the connections from <paramref name="from"/> to <paramref name="to"/> whose
    /// replies the host's conntrack never sees (oracle F46: the server answers from its endpoint on the
    /// client's bridge, which switches without iptables): unreplied, TCP's are INVALID and the rest NEW
    /// (<see cref="LaterPackets.Unconfirmed(IEnumerable{Piece}, SymbolicPasses, Func{int, bool?})"/>), DCCP's and SCTP's by their trackers (either where those are not known).
    /// Walked here, for such pairs only: the policy's walks hold neither state.
    /// </summary>
    public static LaterFates Unconfirmed(SymbolicRuleset rules, ContainerOnNetwork from, ContainerOnNetwork to, IpFamily family, Func<int, bool?> tracker)
    {
        var space = rules.Space;
        // The requests to `to` (ContainerWalks' cut), from `from`'s address on its bridge.
        var pair = ContainerWalks.PairWith(space, to, family).Requests
            .With(Dimension.Src, IntervalSet.Single(from.AddressOf(family)!.Value)).With(Dimension.In, space.Interfaces.Matching(new InterfacePattern(from.Network.Bridge!)));
        var openings = Audit.Analysis.Openings.Of(new ReachQuery(PacketPath.Forward) { State = ConntrackStates.New }.ToPacketSet(space)).Intersect(PacketSet.Of(pair));
        LaterFates With(IntervalSet invalid, LaterFates? other)
        {
            IEnumerable<Box> Next(Box request, ConntrackStates nat) => LaterPackets.Unconfirmed(request, nat, invalid);
            var walked = SymbolicEngine.Reach(rules, PacketPath.Forward, new PacketSet([.. openings.Boxes.SelectMany(b => ConnectionNat.Every.SelectMany(nat => Next(b, nat)))]));
            return new LaterFates(new RegionCut(walked), pair, Next, other);
        }

        var (invalid, maybe) = LaterPackets.InvalidWhenUnreplied(tracker);
        var sure = With(invalid, null);
        return openings.Boxes.All(b => b[Dimension.Proto].Intersect(maybe).IsEmpty) ? sure : With(invalid.Union(maybe), sure);
    }

    // Cut only for a pair some of whose connections pass: most pairs of a policy are blocked.
    private List<(ReachRegion Region, PacketSet Packets)>? _regions;

    private List<(ReachRegion Region, PacketSet Packets)> Regions => _regions ??= [.. walk.Within(way)];

    /// <summary>
    /// The openings among <paramref name="requests"/> (NEW) whose later packets the rules surely drop,
    /// and those whose later packets only may pass, on the requests' own fields.
    /// </summary>
    public (PacketSet Dying, PacketSet Unsure) Of(PacketSet requests, ConntrackStates nat)
    {
        return or is null ? Own(requests, nat) : LaterPackets.EitherFate(Own(requests, nat), or.Of(requests, nat));
    }

    private (PacketSet Dying, PacketSet Unsure) Own(PacketSet requests, ConntrackStates nat)
    {
        if (requests.IsEmpty) return (PacketSet.Empty, PacketSet.Empty);
        var dying = Openings(requests, nat, v => v is ReachVerdict.Drop or ReachVerdict.Reject);
        var unsure = Openings(requests.Subtract(dying), nat, v => v is not (ReachVerdict.Accept or ReachVerdict.Drop or ReachVerdict.Reject));
        return (dying, unsure);
    }

    /// <summary>The requests that should connect and whose replies come back, whose later packets this way drops (or may), as verdicts on the requests.</summary>
    public IEnumerable<PairVerdict> Dropping(ContainerOnNetwork from, ContainerOnNetwork to, PacketSet connecting, ConntrackStates nat)
    {
        if (or is null) return OwnDropping(from, to, connecting, nat);
        // Either fate: opening-only only where both drop; the rest of what either drops is unsure, told once.
        var (dead, _) = Of(connecting, nat);
        var mine = OwnDropping(from, to, connecting, nat).ToList();
        var told = mine.Aggregate(PacketSet.Empty, (s, v) => s.Union(v.Packets));
        return mine.SelectMany(v => Unsure(v, dead))
            .Concat(or.Dropping(from, to, connecting.Subtract(told), nat).SelectMany(v => Unsure(v, dead)));
    }

    private static IEnumerable<PairVerdict> Unsure(PairVerdict verdict, PacketSet dead)
    {
        var (sure, rest) = (verdict.Packets.Intersect(dead), verdict.Packets.Subtract(dead));
        if (!sure.IsEmpty) yield return verdict with { Packets = sure };
        if (!rest.IsEmpty) yield return verdict with { Packets = rest, Actual = null };
    }

    private IEnumerable<PairVerdict> OwnDropping(ContainerOnNetwork from, ContainerOnNetwork to, PacketSet connecting, ConntrackStates nat)
    {
        if (connecting.IsEmpty) yield break;
        foreach (var (region, packets) in Regions.Where(r => r.Region.Verdict != ReachVerdict.Accept))
        {
            var dropped = Answered(connecting, packets, nat);
            if (!dropped.IsEmpty)
                yield return new(from, to, dropped, region.Verdict is ReachVerdict.Drop or ReachVerdict.Reject ? Reachability.OpeningOnly : null, Reachability.Reachable)
                {
                    DecidedIn = (region, walk.Result),
                };
        }
    }

    private PacketSet Openings(PacketSet requests, ConntrackStates nat, Func<ReachVerdict, bool> verdict) =>
        Regions.Where(r => verdict(r.Region.Verdict)).Aggregate(PacketSet.Empty, (s, r) => s.Union(Answered(requests, r.Packets, nat)));

    /// <summary>The requests some of whose later packets lie in <paramref name="later"/>: each request narrowed to the fields of those.</summary>
    private PacketSet Answered(PacketSet requests, PacketSet later, ConntrackStates nat) => new([..
        from request in requests.Boxes
        from following in next?.Invoke(request, nat) ?? [LaterPackets.Of(request, nat)]
        from packets in later.Boxes
        let common = following.Intersect(packets)
        where common is not null
        // Narrowed on every field, ICMP's types too: the policy's verdicts hold packets (LaterOpenings).
        select LaterOpenings.Of(request, common, LaterOpenings.Packet)]);
}
