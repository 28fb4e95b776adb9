using DockerFw.Core.Audit.Analysis;
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
internal sealed class LaterFates(RegionCut walk, Box way)
{
    // Cut only for a pair some of whose connections pass: most pairs of a policy are blocked.
    private List<(ReachRegion Region, PacketSet Packets)>? _regions;

    private List<(ReachRegion Region, PacketSet Packets)> Regions => _regions ??= [.. walk.Within(way)];

    /// <summary>
    /// The openings among <paramref name="requests"/> (NEW) whose later packets the rules surely drop,
    /// and those whose later packets only may pass, on the requests' own fields.
    /// </summary>
    public (PacketSet Dying, PacketSet Unsure) Of(PacketSet requests)
    {
        if (requests.IsEmpty) return (PacketSet.Empty, PacketSet.Empty);
        var dying = Openings(requests, v => v is ReachVerdict.Drop or ReachVerdict.Reject);
        var unsure = Openings(requests.Subtract(dying), v => v is not (ReachVerdict.Accept or ReachVerdict.Drop or ReachVerdict.Reject));
        return (dying, unsure);
    }

    /// <summary>The requests that should connect and whose replies come back, whose later packets this way drops (or may), as verdicts on the requests.</summary>
    public IEnumerable<PairVerdict> Dropping(ContainerOnNetwork from, ContainerOnNetwork to, PacketSet connecting)
    {
        if (connecting.IsEmpty) yield break;
        foreach (var (region, packets) in Regions.Where(r => r.Region.Verdict != ReachVerdict.Accept))
        {
            var dropped = Answered(connecting, packets);
            if (!dropped.IsEmpty)
                yield return new(from, to, dropped, region.Verdict is ReachVerdict.Drop or ReachVerdict.Reject ? Reachability.OpeningOnly : null, Reachability.Reachable)
                {
                    DecidedIn = (region, walk.Result),
                };
        }
    }

    private PacketSet Openings(PacketSet requests, Func<ReachVerdict, bool> verdict) =>
        Regions.Where(r => verdict(r.Region.Verdict)).Aggregate(PacketSet.Empty, (s, r) => s.Union(Answered(requests, r.Packets)));

    /// <summary>The requests some of whose later packets lie in <paramref name="later"/>: each request narrowed to the fields of those.</summary>
    private static PacketSet Answered(PacketSet requests, PacketSet later) => new([..
        from request in requests.Boxes
        let next = LaterPackets.Of(request)
        from packets in later.Boxes
        let common = next.Intersect(packets)
        where common is not null
        // Narrowed on every field, ICMP's types too: the policy's verdicts hold packets (LaterOpenings).
        select LaterOpenings.Of(request, common, LaterOpenings.Packet)]);
}
