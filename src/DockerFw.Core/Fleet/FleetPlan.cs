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

    private sealed record Ends(FleetNetwork Network, string Display, IntervalSet Range, ImmutableArray<(string Display, IntervalSet Address)> Containers);

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
    }

    /// <summary>The hosts that are active swarm nodes: each pair's swarm ports are judged (<see cref="SwarmAcross"/>).</summary>
    public ImmutableArray<HostSummary> SwarmNodes { get; }

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

    /// <summary>The cells a host sends or receives: the only ones whose legs its rules judge.</summary>
    public IEnumerable<CellSpec> CellsOf(string host)
    {
        var self = Hosts.First(h => h.Name == host);
        foreach (var other in Hosts.Where(h => h.Name != host))
        {
            foreach (var kind in new[] { CellKind.Network, CellKind.Container })
            {
                foreach (var cell in Between(self, other, kind)) yield return cell;
                foreach (var cell in Between(other, self, kind)) yield return cell;
            }
        }
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

    private static CellSpec Spec(CellKind kind, string fromName, string toName, HostSummary sender, HostSummary receiver,
        FleetNetwork from, FleetNetwork to, IntervalSet sources, IntervalSet destinations) =>
        new(kind, fromName, toName, sender, receiver, from.Bridge, to.Bridge, sources, destinations, UnderlayWay.Find(sender, receiver, destinations.Min));

    /// <summary>A network's container addresses: its subnet but the network and broadcast addresses and the gateway.</summary>
    public static IntervalSet ContainerRange(FleetNetwork n)
    {
        var (first, last) = n.Bounds;
        var range = last - first >= 3 ? IntervalSet.Range(first + 1, last - 1) : IntervalSet.Range(first, last);
        return range.Subtract(IntervalSet.Single(n.Gateway));
    }
}
