using System.Collections.Immutable;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Fleet;

/// <summary>
/// What a fleet run judges, worked out from the hosts' summaries alone: which networks are routed
/// between hosts, and every cell of the matrix with its underlay way. Each host's rules are then
/// read once, for the legs of the cells it sends or receives (<see cref="HostLegs"/>).
/// </summary>
public sealed class FleetPlan
{
    public FleetPlan(IReadOnlyList<HostSummary> hosts)
    {
        Hosts = [.. hosts];
        var peerRoutes = PeerRoutes.Of(hosts);
        Routed = [.. hosts.SelectMany(h => h.Networks.Where(n => n.IsDefaultBridge || peerRoutes.Cover(n)))];
        var routedOf = Routed.ToLookup(n => n.Host);
        var cells = ImmutableArray.CreateBuilder<CellSpec>();
        var byHost = hosts.ToDictionary(h => h.Name, _ => new List<CellSpec>());
        foreach (var sender in hosts)
            foreach (var receiver in hosts.Where(r => r.Name != sender.Name))
                foreach (var from in routedOf[sender.Name])
                    foreach (var to in routedOf[receiver.Name])
                    {
                        var destinations = ContainerRange(to);
                        Add(Spec(cells.Count, CellKind.Network, from.Display, to.Display, sender, receiver, from, to, ContainerRange(from), destinations));
                        foreach (var a in sender.Containers.Where(c => c.Network == from))
                            foreach (var b in receiver.Containers.Where(c => c.Network == to))
                                Add(Spec(cells.Count, CellKind.Container, a.Display, b.Display, sender, receiver, from, to,
                                    IntervalSet.Single(a.Address), IntervalSet.Single(b.Address)));
                    }

        Cells = cells.ToImmutable();
        _cellsOf = byHost.ToDictionary(h => h.Key, h => h.Value.ToImmutableArray());

        void Add(CellSpec cell)
        {
            cells.Add(cell);
            byHost[cell.Sender.Name].Add(cell);
            byHost[cell.Receiver.Name].Add(cell);
        }
    }

    private readonly Dictionary<string, ImmutableArray<CellSpec>> _cellsOf;

    /// <summary>The cells a host sends or receives: the only ones whose legs its rules judge.</summary>
    public ImmutableArray<CellSpec> CellsOf(string host) => _cellsOf.GetValueOrDefault(host, []);

    public ImmutableArray<HostSummary> Hosts { get; }

    private static CellSpec Spec(int index, CellKind kind, string fromName, string toName, HostSummary sender, HostSummary receiver,
        FleetNetwork from, FleetNetwork to, IntervalSet sources, IntervalSet destinations)
    {
        var way = UnderlayWay.Find(sender, receiver, destinations.Min);
        return new CellSpec(index, kind, fromName, toName, sender, receiver, from.Bridge, to.Bridge, sources, destinations, way)
        {
            ReplyWay = UnderlayWay.Find(receiver, sender, sources.Min),
            MasqueradedReplyWay = way.MasqueradeSource is { } masqueraded ? UnderlayWay.Find(receiver, sender, masqueraded) : null,
        };
    }

    /// <summary>
    /// The networks fleet expects other hosts to reach: every host's default bridge (the routed setup's
    /// network, each host's own <c>--bip</c>), and each user network another host has a route (not its
    /// default) into (<see cref="PeerRoutes"/>).
    /// </summary>
    public ImmutableArray<FleetNetwork> Routed { get; }

    public ImmutableArray<CellSpec> Cells { get; }

    /// <summary>A network's container addresses: its subnet but the network and broadcast addresses and the gateway.</summary>
    public static IntervalSet ContainerRange(FleetNetwork n)
    {
        var (first, last) = n.Bounds;
        var range = last - first >= 3 ? IntervalSet.Range(first + 1, last - 1) : IntervalSet.Range(first, last);
        return range.Subtract(IntervalSet.Single(n.Gateway));
    }
}
