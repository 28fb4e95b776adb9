using System.Collections.Immutable;
using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Fleet;

/// <summary>
/// Swarm mode across hosts (docs/fleet.md): every two active swarm nodes of the fleet must reach each
/// other's gossip ports (7946/tcp and udp) and VXLAN port (4789/udp unless the swarm says otherwise),
/// and each manager's control port (2377/tcp) from every node. A single host's audit judges each
/// node's rules against every peer at once (DFW25x); here the sender's OUTPUT and the receiver's INPUT
/// are judged together for each pair, so a drop on either names the pair, the port, the host and its rule.
/// </summary>
public static class SwarmAcross
{
    /// <summary>The fleet's active swarm nodes that say their address (docker info's NodeAddr).</summary>
    public static ImmutableArray<HostSummary> Nodes(IEnumerable<HostSummary> hosts) =>
        [.. hosts.Where(h => h.Swarm is { Active: true, NodeAddress: not null })];

    /// <summary>Every port each node must open to each other node, by sender, receiver, then port.</summary>
    public static IEnumerable<(HostSummary Sender, HostSummary Receiver, PeerPort Port)> Pairs(ImmutableArray<HostSummary> nodes) =>
        from sender in nodes
        from receiver in nodes
        where receiver.Name != sender.Name
        from port in Ports(sender.Swarm!, receiver.Swarm!)
        select (sender, receiver, port);

    private static IEnumerable<PeerPort> Ports(SwarmInfo sender, SwarmInfo receiver)
    {
        // A manager takes control traffic on the port the others know it by (its Addr), 2377 unless made otherwise.
        if (receiver.Manager)
            yield return new(Protocol.Tcp, sender.RemoteManagers.FirstOrDefault(m => m.Address == receiver.NodeAddress)?.Port ?? SwarmInfo.DefaultControlPort, "cluster management, to a manager");
        yield return new(Protocol.Tcp, SwarmInfo.GossipPort, "node gossip");
        yield return new(Protocol.Udp, SwarmInfo.GossipPort, "node gossip");
        // Only managers report the cluster's data path port; every node uses the cluster's.
        yield return new(Protocol.Udp, receiver.DataPathPort ?? sender.DataPathPort ?? SwarmInfo.DefaultDataPathPort, "overlay data (VXLAN)");
    }

    /// <summary>The legs one host judges for a pair: its OUTPUT as the sender, its INPUT as the receiver.</summary>
    public static IEnumerable<(LegKey Key, LegRequest Request)> Requests(HostSummary sender, HostSummary receiver, PeerPort port, string host) =>
        PeerPorts.Requests(sender, receiver, sender.Swarm!.NodeAddress!.Value, receiver.Swarm!.NodeAddress!.Value, port, host);

    /// <summary>Each pair's ports, judged from the hosts' walks.</summary>
    public static ImmutableArray<PeerPortCell> Judge(ImmutableArray<HostSummary> nodes, IReadOnlyDictionary<string, LegAnswers> answers) =>
        [.. Pairs(nodes).Select(p => PeerPorts.Judge(p.Sender, p.Receiver, p.Sender.Swarm!.NodeAddress!.Value, p.Receiver.Swarm!.NodeAddress!.Value, p.Port, answers))];

    /// <summary>DFW781 for each port a node cannot open on another, naming the host and rule that stop it.</summary>
    public static IEnumerable<FleetFinding> Findings(IEnumerable<PeerPortCell> cells) =>
        PeerPorts.Findings(cells, FleetCodes.SwarmPortBlocked, "swarm node");
}
