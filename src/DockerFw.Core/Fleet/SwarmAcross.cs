using System.Collections.Immutable;
using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Fleet;

/// <summary>A port swarm mode needs from one node to another: its protocol, number and what it carries.</summary>
public sealed record SwarmPort(int Protocol, int Port, string Purpose)
{
    public string ProtocolName => Protocol == Model.Values.Protocol.Tcp ? "tcp" : "udp";

    public string Display => $"{ProtocolName}/{Port}";
}

/// <summary>
/// One swarm port of one node as another node opens it: NEW packets from the sender's node address
/// to the receiver's, judged through the sender's OUTPUT (and POSTROUTING) and the receiver's
/// PREROUTING and INPUT. <see cref="Decisions"/> names the rule on each host that let them through,
/// or the one that stopped them.
/// </summary>
public sealed record SwarmCell(HostSummary Sender, HostSummary Receiver, UInt128 Source, UInt128 Destination, SwarmPort Port,
    CellOutcome Outcome, ImmutableArray<Decision> Decisions, string? Reason)
{
    public string Addresses => $"{IpAddressValue.Format(Source, IpFamily.V4)} -> {IpAddressValue.Format(Destination, IpFamily.V4)}";
}

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
    public static IEnumerable<(HostSummary Sender, HostSummary Receiver, SwarmPort Port)> Pairs(ImmutableArray<HostSummary> nodes) =>
        from sender in nodes
        from receiver in nodes
        where receiver.Name != sender.Name
        from port in Ports(sender.Swarm!, receiver.Swarm!)
        select (sender, receiver, port);

    private static IEnumerable<SwarmPort> Ports(SwarmInfo sender, SwarmInfo receiver)
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
    public static IEnumerable<(LegKey Key, LegRequest Request)> Requests(HostSummary sender, HostSummary receiver, SwarmPort port, string host)
    {
        var (from, to) = (IntervalSet.Single(sender.Swarm!.NodeAddress!.Value), IntervalSet.Single(receiver.Swarm!.NodeAddress!.Value));
        if (sender.Name == host)
            yield return (LegKey.SenderOutput, new(new(LegStage.SenderOutput, PacketPath.Output, null, sender.Routes.Lookup(IpFamily.V4, to.Min)?.Device, port.Protocol, port.Port, false), from, to));
        if (receiver.Name == host)
            yield return (LegKey.ReceiverInput, new(new(LegStage.ReceiverInput, PacketPath.Input, receiver.InterfaceOf(to.Min), null, port.Protocol, port.Port, false), from, to));
    }

    /// <summary>Each pair's ports, judged from the hosts' walks.</summary>
    public static ImmutableArray<SwarmCell> Judge(ImmutableArray<HostSummary> nodes, IReadOnlyDictionary<string, LegAnswers> answers) =>
        [.. Pairs(nodes).Select(p => Judge(p.Sender, p.Receiver, p.Port, answers))];

    private static SwarmCell Judge(HostSummary sender, HostSummary receiver, SwarmPort port, IReadOnlyDictionary<string, LegAnswers> answers)
    {
        var (from, to) = (sender.Swarm!.NodeAddress!.Value, receiver.Swarm!.NodeAddress!.Value);
        var decisions = ImmutableArray.CreateBuilder<Decision>();
        foreach (var host in new[] { sender, receiver })
        {
            var (_, request) = Requests(sender, receiver, port, host.Name).Single();
            var where = host.Name == sender.Name ? "OUTPUT" : "INPUT";
            if (!answers.TryGetValue(host.Name, out var walks) || walks.Cut(request) is not { } leg)
                return new(sender, receiver, from, to, port, CellOutcome.Uncertain, decisions.ToImmutable(), $"{host.Name}'s {where} was not judged");
            var first = leg.Pieces.FirstOrDefault(p => p.Verdict != ReachVerdict.Accept) ?? leg.Pieces.FirstOrDefault();
            var decision = new Decision(leg.Host, leg.Stage, first?.Rule ?? "no rule decides") { At = first?.At };
            decisions.Add(decision);
            if (leg.Pieces.All(p => p.Verdict == ReachVerdict.Accept)) continue;
            return leg.Pieces.All(p => p.Verdict is ReachVerdict.Drop or ReachVerdict.Reject)
                ? new(sender, receiver, from, to, port, CellOutcome.Blocked, decisions.ToImmutable(), $"{host.Name} drops them in {where}")
                : new(sender, receiver, from, to, port, CellOutcome.Uncertain, decisions.ToImmutable(),
                    first?.Doubt ?? $"{host.Name} lets some of them through {where} and not others");
        }

        return new(sender, receiver, from, to, port, CellOutcome.Reachable, decisions.ToImmutable(), null);
    }

    /// <summary>DFW781 for each port a node cannot open on another, naming the host and rule that stop it.</summary>
    public static IEnumerable<FleetFinding> Findings(IEnumerable<SwarmCell> cells) =>
        cells.Where(c => c.Outcome == CellOutcome.Blocked).Select(c =>
        {
            var last = c.Decisions[^1];
            var chain = last.Stage == LegStage.SenderOutput ? "OUTPUT" : "INPUT";
            var (s, d) = (IpAddressValue.Format(c.Source, IpFamily.V4), IpAddressValue.Format(c.Destination, IpFamily.V4));
            return new FleetFinding(FleetCodes.SwarmPortBlocked, [c.Sender.Name, c.Receiver.Name],
                $"swarm node {c.Sender.Name} cannot reach {c.Receiver.Name} on {c.Port.Display} ({c.Port.Purpose}): {c.Addresses} is dropped in {last.Host}'s {chain} (decided by {last.Rule}); accept it on {last.Host}, e.g. iptables -I {chain} {(chain == "INPUT" ? "-s" : "-d")} {(chain == "INPUT" ? s : d)} -p {c.Port.ProtocolName} --dport {c.Port.Port} -j ACCEPT")
            {
                Evidence = [last],
            };
        });
}
