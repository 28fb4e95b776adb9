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
    /// <summary>
    /// The legs one host judges for a pair: its OUTPUT as the sender, its INPUT as the receiver; for a
    /// TCP port, the answers too (the receiver's OUTPUT, the sender's INPUT, ESTABLISHED), walked over
    /// every port (<see cref="ReplyPieces"/> keeps those from the peer port to the sender's ephemeral ones). A UDP port's datagrams are
    /// not answered on their flow (swarm's gossip and Weave's data answer to the sender's own port: the
    /// pair the other way round), so they have no replies to judge.
    /// </summary>
    public static IEnumerable<(LegKey Key, LegRequest Request)> Requests(HostSummary sender, HostSummary receiver, UInt128 source, UInt128 destination, PeerPort port, string host)
    {
        var (from, to) = (IntervalSet.Single(source), IntervalSet.Single(destination));
        var answered = port.Protocol == Protocol.Tcp;
        if (sender.Name == host)
            yield return (LegKey.SenderOutput, new(new(LegStage.SenderOutput, PacketPath.Output, null, sender.Routes.Lookup(IpFamily.V4, destination)?.Device, port.Protocol, port.Port, false), from, to));
        if (receiver.Name == host)
            yield return (LegKey.ReceiverInput, new(new(LegStage.ReceiverInput, PacketPath.Input, receiver.InterfaceOf(destination), null, port.Protocol, port.Port, false), from, to));
        if (answered && receiver.Name == host)
            yield return (LegKey.ReceiverReplyOutput, new(new(LegStage.ReceiverReplyOutput, PacketPath.Output, null, receiver.Routes.Lookup(IpFamily.V4, source)?.Device, port.Protocol, null, false, ConntrackStates.Established), to, from));
        if (answered && sender.Name == host)
            yield return (LegKey.SenderReplyInput, new(new(LegStage.SenderReplyInput, PacketPath.Input, sender.InterfaceOf(source), null, port.Protocol, null, false, ConntrackStates.Established), to, from));
    }

    /// <summary>
    /// Linux's ip_local_port_range by default: the source ports a daemon's connect() is given, so the
    /// ports its answers come back to.
    /// </summary>
    private static readonly IntervalSet Ephemeral = IntervalSet.Range(32768, 60999);

    /// <summary>
    /// The pieces of a reply leg walked over every port that hold the answers of <paramref name="port"/>:
    /// from it, to the sender's ephemeral ports (<see cref="Ephemeral"/>); a rule about other ports
    /// (the peer port itself as a destination, say) says nothing of them.
    /// </summary>
    private static IEnumerable<LegPiece> ReplyPieces(Leg leg, PeerPort port) =>
        leg.Pieces.Where(p => p.Packets.Boxes.Any(b => b[Dimension.Sport].Contains((UInt128)port.Port) && b[Dimension.Dport].Overlaps(Ephemeral)));

    /// <summary>One pair's port, judged from the hosts' walks.</summary>
    public static PeerPortCell Judge(HostSummary sender, HostSummary receiver, UInt128 from, UInt128 to, PeerPort port, IReadOnlyDictionary<string, LegAnswers> answers)
    {
        var decisions = ImmutableArray.CreateBuilder<Decision>();
        // The way there (sender, then receiver), then for TCP the answers' way back (receiver, then sender).
        LegKey[] order = [LegKey.SenderOutput, LegKey.ReceiverInput, LegKey.ReceiverReplyOutput, LegKey.SenderReplyInput];
        var requests = new[] { sender, receiver }.SelectMany(h => Requests(sender, receiver, from, to, port, h.Name).Select(r => (Host: h, r.Key, r.Request)))
            .OrderBy(r => Array.IndexOf(order, r.Key));
        foreach (var (host, key, request) in requests)
        {
            var reply = key is LegKey.ReceiverReplyOutput or LegKey.SenderReplyInput;
            var where = (key is LegKey.SenderOutput or LegKey.ReceiverReplyOutput ? "OUTPUT" : "INPUT") + (reply ? " (the answers)" : "");
            if (!answers.TryGetValue(host.Name, out var walks) || walks.Cut(request) is not { } leg)
                return new(sender, receiver, from, to, port, CellOutcome.Uncertain, decisions.ToImmutable(), $"{host.Name}'s {where} was not judged");
            var pieces = reply ? [.. ReplyPieces(leg, port)] : leg.Pieces.ToList();
            var refusal = Leg.Refusal(pieces);
            var first = refusal?.First ?? pieces.FirstOrDefault();
            if (refusal is null)
            {
                // The answers' accepting rules are not evidence anyone asked for: the way there names each host's.
                if (!reply) decisions.Add(new Decision(leg.Host, leg.Stage, first?.Rule ?? "no rule decides") { At = first?.At });
                continue;
            }

            decisions.Add(new Decision(leg.Host, leg.Stage, first?.Rule ?? "no rule decides") { At = first?.At });
            var them = reply ? "their answers" : "them";
            return refusal.Value.Outcome == CellOutcome.Blocked
                ? new(sender, receiver, from, to, port, CellOutcome.Blocked, decisions.ToImmutable(), $"{host.Name} drops {them} in {where}")
                : new(sender, receiver, from, to, port, CellOutcome.Uncertain, decisions.ToImmutable(),
                    first?.Doubt ?? $"{host.Name} lets some of {them} through {where} and not others");
        }

        return new(sender, receiver, from, to, port, CellOutcome.Reachable, decisions.ToImmutable(), null);
    }

    /// <summary>A finding of <paramref name="code"/> for each port a host cannot open on another, naming the host and rule that stop it.</summary>
    public static IEnumerable<FleetFinding> Findings(IEnumerable<PeerPortCell> cells, FindingCode code, string role) =>
        cells.Where(c => c.Outcome == CellOutcome.Blocked).Select(c =>
        {
            var last = c.Decisions[^1];
            var chain = last.Stage is LegStage.SenderOutput or LegStage.ReceiverReplyOutput ? "OUTPUT" : "INPUT";
            var (s, d) = (IpAddressValue.Format(c.Source, IpFamily.V4), IpAddressValue.Format(c.Destination, IpFamily.V4));
            var message = last.Stage is LegStage.ReceiverReplyOutput or LegStage.SenderReplyInput
                ? $"{role} {c.Sender.Name} cannot reach {c.Receiver.Name} on {c.Port.Display} ({c.Port.Purpose}): the connections from {s} open, but {d}'s answers from port {c.Port.Port} are dropped in {last.Host}'s {chain} (decided by {last.Rule}); accept them on {last.Host}, e.g. {new RemedyCommand($"{(chain == "INPUT" ? "-s" : "-d")} {(chain == "INPUT" ? d : s)} -p {c.Port.ProtocolName} --sport {c.Port.Port} -m conntrack --ctstate ESTABLISHED", $"ip {(chain == "INPUT" ? "saddr" : "daddr")} {(chain == "INPUT" ? d : s)} {c.Port.ProtocolName} sport {c.Port.Port} ct state established").Accept(last.At, chain)}"
                : $"{role} {c.Sender.Name} cannot reach {c.Receiver.Name} on {c.Port.Display} ({c.Port.Purpose}): {c.Addresses} is dropped in {last.Host}'s {chain} (decided by {last.Rule}); accept it on {last.Host}, e.g. {new RemedyCommand($"{(chain == "INPUT" ? "-s" : "-d")} {(chain == "INPUT" ? s : d)} -p {c.Port.ProtocolName} --dport {c.Port.Port}", $"ip {(chain == "INPUT" ? "saddr" : "daddr")} {(chain == "INPUT" ? s : d)} {c.Port.ProtocolName} dport {c.Port.Port}").Accept(last.At, chain)}";
            return new FleetFinding(code, [c.Sender.Name, c.Receiver.Name], message) { Evidence = [last] };
        });
}
