using System.Collections.Immutable;
using DockerFw.Core.Audit;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Fleet;

/// <summary>A port a fabric's daemon needs from one host to another (swarm's, Weave's): its protocol, number and what it carries.</summary>
public sealed record PeerPort(int Protocol, int Port, string Purpose)
{
    public string ProtocolName => Protocol == Model.Values.Protocol.Tcp ? "tcp" : "udp";

    public string Display => $"{ProtocolName}/{Port}";
}

/// <summary>
/// One peer port of one host as another host opens it: the packets that open a connection (<see cref="LegPackets"/>) from the sender's address to the
/// receiver's, judged through the sender's OUTPUT (and POSTROUTING) and the receiver's PREROUTING and
/// INPUT. <see cref="Decisions"/> names the rule on each host that let them through, or the one that
/// stopped them.
/// </summary>
public sealed record PeerPortCell(HostSummary Sender, HostSummary Receiver, UInt128 Source, UInt128 Destination, PeerPort Port,
    CellOutcome Outcome, ImmutableArray<Decision> Decisions, string? Reason)
{
    public string Addresses => $"{IpAddressValue.Format(Source, IpFamily.V4)} -> {IpAddressValue.Format(Destination, IpFamily.V4)}";
}

/// <summary>
/// One judge for the ports fabrics' daemons open between hosts (swarm's control, gossip and VXLAN
/// ports, Weave's control and data ports): the same question, whether the packets that open a connection from one host's
/// address to a port of another's pass the sender's OUTPUT and the receiver's INPUT, answered once.
/// </summary>
public static class PeerPorts
{
    /// <summary>The legs one host judges for a pair: its OUTPUT as the sender, its INPUT as the receiver.</summary>
    public static IEnumerable<(LegKey Key, LegRequest Request)> Requests(HostSummary sender, HostSummary receiver, UInt128 source, UInt128 destination, PeerPort port, string host)
    {
        var (from, to) = (IntervalSet.Single(source), IntervalSet.Single(destination));
        if (sender.Name == host)
            yield return (LegKey.SenderOutput, new(new(LegStage.SenderOutput, PacketPath.Output, null, sender.Routes.Lookup(IpFamily.V4, destination)?.Device, port.Protocol, port.Port, false), from, to));
        if (receiver.Name == host)
            yield return (LegKey.ReceiverInput, new(new(LegStage.ReceiverInput, PacketPath.Input, receiver.InterfaceOf(destination), null, port.Protocol, port.Port, false), from, to));
    }

    /// <summary>One pair's port, judged from the hosts' walks.</summary>
    public static PeerPortCell Judge(HostSummary sender, HostSummary receiver, UInt128 from, UInt128 to, PeerPort port, IReadOnlyDictionary<string, LegAnswers> answers)
    {
        var decisions = ImmutableArray.CreateBuilder<Decision>();
        foreach (var host in new[] { sender, receiver })
        {
            var (_, request) = Requests(sender, receiver, from, to, port, host.Name).Single();
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

    /// <summary>A finding of <paramref name="code"/> for each port a host cannot open on another, naming the host and rule that stop it.</summary>
    public static IEnumerable<FleetFinding> Findings(IEnumerable<PeerPortCell> cells, FindingCode code, string role) =>
        cells.Where(c => c.Outcome == CellOutcome.Blocked).Select(c =>
        {
            var last = c.Decisions[^1];
            var chain = last.Stage == LegStage.SenderOutput ? "OUTPUT" : "INPUT";
            var (s, d) = (IpAddressValue.Format(c.Source, IpFamily.V4), IpAddressValue.Format(c.Destination, IpFamily.V4));
            return new FleetFinding(code, [c.Sender.Name, c.Receiver.Name],
                $"{role} {c.Sender.Name} cannot reach {c.Receiver.Name} on {c.Port.Display} ({c.Port.Purpose}): {c.Addresses} is dropped in {last.Host}'s {chain} (decided by {last.Rule}); accept it on {last.Host}, e.g. iptables -I {chain} {(chain == "INPUT" ? "-s" : "-d")} {(chain == "INPUT" ? s : d)} -p {c.Port.ProtocolName} --dport {c.Port.Port} -j ACCEPT")
            {
                Evidence = [last],
            };
        });
}
