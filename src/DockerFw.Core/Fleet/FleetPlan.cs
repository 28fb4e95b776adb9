using System.Collections.Immutable;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Fleet;

/// <summary>
/// What a fleet run judges, worked out from the hosts' summaries alone: which networks are routed
/// between hosts, and every cell of the matrix with its underlay way. Each host's rules are then
/// read once, for the legs of the cells it sends or receives (<see cref="HostLegs"/>). The cells are
/// made when they are enumerated, not held: N hosts have N(N-1) cells at least (1,000 hosts of one
/// routed network and container each: 2 million, 1.5 KB each with their ways).
/// </summary>
public sealed class FleetPlan
{
    // Each host's routed networks with what their cells need (names, address sets), made once: a
    // host takes part in some 4N cells of a fleet of N, and each is made three times a run.
    private readonly Dictionary<string, ImmutableArray<Ends>> _routedOf;

    internal sealed record Ends(FleetNetwork Network, string Display, IntervalSet Range, ImmutableArray<(string Display, IntervalSet Address)> Containers);

    public FleetPlan(IReadOnlyList<HostSummary> hosts)
    {
        Hosts = [.. hosts];
        var peerRoutes = PeerRoutes.Of(hosts);
        Routed = [.. hosts.SelectMany(h => h.Networks.Where(n => n.IsDefaultBridge || peerRoutes.Cover(n)))];
        var containersOn = hosts.SelectMany(h => h.Containers).ToLookup(c => c.Network);
        var routedOf = Routed.ToLookup(n => n.Host);
        _routedOf = hosts.Select(h => h.Name).Distinct().ToDictionary(h => h, h => routedOf[h]
            .Select(n => new Ends(n, n.Display, ContainerRange(n), [.. containersOn[n].Select(c => (c.Display, IntervalSet.Single(c.Address)))]))
            .ToImmutableArray());
        SwarmNodes = SwarmAcross.Nodes(hosts);
        WeaveNodes = WeaveAcross.Nodes(hosts);
        _sendersTo = SendersTo(hosts, _routedOf);
        var owners = hosts.SelectMany(h => h.Addresses.Select(a => (a.Address, h.Name))).GroupBy(x => x.Address).ToDictionary(g => g.Key, g => g.First().Name);
        _owner = a => owners.GetValueOrDefault(a);
    }

    // The host owning each address, to name a third host a way leads to (UnderlayWay.Via).
    private readonly Func<UInt128, string?> _owner;

    // The senders whose way may reach each host (UnderlayWay.Find's Routed or Tunnel): a route's
    // gateway or a tunnel's far end is one of its addresses. Null for a host owning the address a cell
    // into it is routed by (a connected route to it reaches it too): every sender may. A host's
    // second pass judges the receiving legs of these senders' cells only (a fleet in racks of 10:
    // 9 of its 999 peers), not every cell it receives.
    private readonly Dictionary<string, HashSet<string>?> _sendersTo;

    private static Dictionary<string, HashSet<string>?> SendersTo(IReadOnlyList<HostSummary> hosts, Dictionary<string, ImmutableArray<Ends>> routedOf)
    {
        var owners = hosts.SelectMany(h => h.Addresses.Select(a => (a.Address, h.Name))).ToLookup(x => x.Address, x => x.Name);
        var senders = hosts.Select(h => h.Name).Distinct().ToDictionary(h => h, h => (HashSet<string>?)[]);
        foreach (var sender in hosts)
        {
            var ends = sender.Routes.Routes.Select(r => r.Gateway).Concat(sender.Links.Where(l => l.IsTunnel).Select(l => l.Remote)).OfType<UInt128>();
            foreach (var owner in ends.Distinct().SelectMany(a => owners[a]))
                senders[owner]?.Add(sender.Name);
        }

        // A cell's way is found for its destinations' first address: a connected route reaches the
        // receiver when that is one of the receiver's own addresses.
        foreach (var host in hosts)
            if (routedOf[host.Name].Any(e => (!e.Range.IsEmpty && host.Owns(e.Range.Min)) || e.Containers.Any(c => host.Owns(c.Address.Min))))
                senders[host.Name] = null;
        return senders;
    }

    /// <summary>The hosts that are active swarm nodes: each pair's swarm ports are judged (<see cref="SwarmAcross"/>).</summary>
    public ImmutableArray<HostSummary> SwarmNodes { get; }

    /// <summary>The hosts that run Weave Net: each pair's peer ports are judged (<see cref="WeaveAcross"/>).</summary>
    public ImmutableArray<HostSummary> WeaveNodes { get; }

    public ImmutableArray<HostSummary> Hosts { get; }

    /// <summary>
    /// The networks fleet expects other hosts to reach: every host's default bridge (the routed setup's
    /// network, each host's own <c>--bip</c>), and each user network another host has a route (not its
    /// default) into (<see cref="PeerRoutes"/>).
    /// </summary>
    public ImmutableArray<FleetNetwork> Routed { get; }

    /// <summary>Every cell of one kind, by sender, then receiver, then the sender's network, then the receiver's.</summary>
    public IEnumerable<CellSpec> Cells(CellKind kind) =>
        Hosts.SelectMany(sender => Hosts.Where(r => r.Name != sender.Name).SelectMany(receiver => Between(sender, receiver, kind)));

    /// <summary>A host's routed networks with their container ranges and containers, as its cells take them.</summary>
    internal ImmutableArray<Ends> RoutedEnds(string host) => _routedOf[host];

    /// <summary>The cells a host receives from a sender whose way may reach it: the only ones with a receiving leg.</summary>
    public IEnumerable<CellSpec> CellsTo(string host)
    {
        var self = Hosts.First(h => h.Name == host);
        var senders = _sendersTo[host];
        foreach (var other in Hosts.Where(h => h.Name != host && (senders is null || senders.Contains(h.Name))))
            foreach (var kind in new[] { CellKind.Network, CellKind.Container })
                foreach (var cell in Between(other, self, kind)) yield return cell;
    }

    /// <summary>The cells from one host to another, in the order of their networks and containers.</summary>
    public IEnumerable<CellSpec> Between(HostSummary sender, HostSummary receiver, CellKind kind)
    {
        var tos = _routedOf[receiver.Name];
        foreach (var from in _routedOf[sender.Name])
            foreach (var to in tos)
            {
                if (kind == CellKind.Network)
                {
                    yield return Spec(CellKind.Network, from.Display, to.Display, sender, receiver, from.Network, to.Network, from.Range, to.Range);
                    continue;
                }

                foreach (var a in from.Containers)
                    foreach (var b in to.Containers)
                        yield return Spec(CellKind.Container, a.Display, b.Display, sender, receiver, from.Network, to.Network, a.Address, b.Address);
            }
    }

    private CellSpec Spec(CellKind kind, string fromName, string toName, HostSummary sender, HostSummary receiver,
        FleetNetwork from, FleetNetwork to, IntervalSet sources, IntervalSet destinations) =>
        new(kind, fromName, toName, sender, receiver, from.Bridge, to.Bridge, sources, destinations, UnderlayWay.Find(sender, receiver, destinations.Min, _owner))
        {
            Owner = _owner,
            SourceBlock = from.Block,
            DestinationBlock = to.Block,
        };

    /// <summary>
    /// A network's container addresses: its subnet but the network and broadcast addresses and the
    /// gateway; of a segment shared with a peer, this host's part of it (<see cref="FleetNetwork.Own"/>).
    /// </summary>
    public static IntervalSet ContainerRange(FleetNetwork n)
    {
        var (first, last) = n.Bounds;
        var range = last - first >= 3 ? IntervalSet.Range(first + 1, last - 1) : IntervalSet.Range(first, last);
        if (n.Own is { } own) range = range.Intersect(own);
        return range.Subtract(IntervalSet.Single(n.Gateway));
    }
}
