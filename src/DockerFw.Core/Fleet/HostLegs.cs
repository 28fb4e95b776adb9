using System.Collections.Immutable;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Fleet;

/// <summary>Which leg of a cell: the stages, the receiver's forward leg and the replies' legs once for each source the receiver may see.</summary>
public enum LegKey
{
    SenderForward,
    SenderOutput,
    ReceiverInput,

    /// <summary>The receiver's forward leg for packets that keep the container's source.</summary>
    ReceiverForward,

    /// <summary>The receiver's forward leg for packets the sender masqueraded to its own address.</summary>
    ReceiverForwardMasqueraded,

    /// <summary>The replies' legs (<see cref="ReplyLegs"/>), each once for replies to the container and once to the masqueraded source.</summary>
    ReceiverReply,
    ReceiverReplyMasqueraded,
    ReceiverReplyOutput,
    ReceiverReplyOutputMasqueraded,
    SenderReplyInput,
    SenderReplyInputMasqueraded,
    SenderReply,
    SenderReplyMasqueraded,

    /// <summary>The requests' later packets (<see cref="ReplyLegs"/>): on the sender, and on the receiver for each source it may see.</summary>
    SenderLater,
    ReceiverLater,
    ReceiverLaterMasqueraded,

    /// <summary>The sender's later packets of connections it masqueraded: ESTABLISHED,SNAT (oracle F45).</summary>
    SenderLaterMasqueraded,

    /// <summary>
    /// The sender's later packets as an unreplied connection's (<see cref="ReplySight"/>), asked besides
    /// <see cref="SenderLater"/> where whether its conntrack sees the replies is not known.
    /// </summary>
    SenderLaterUnreplied,
    SenderLaterUnrepliedMasqueraded,
}

/// <summary>
/// The legs one host judges, read while its rules are loaded: as sender, its forward leg (and the
/// tunnel's outer packet out); as receiver, the outer packet in and its forward leg. Only these walks
/// outlive the host's rules, so a fleet is judged one host at a time.
/// </summary>
public static class HostLegs
{
    public static LegAnswers Judge(FleetHost host, FleetPlan plan)
    {
        var legs = new LegBatch(new HostRules(host));
        foreach (var request in Requests(plan, host.Name)) legs.Add(request);
        return legs.Judge();
    }

    /// <summary>Every leg one host judges for a plan: as the sender of its cells, the receiver of those that may reach it, and a swarm node's or Weave peer's ports.</summary>
    public static IEnumerable<LegRequest> Requests(FleetPlan plan, string host)
    {
        foreach (var request in SenderLegs.Of(plan, plan.Hosts.First(h => h.Name == host)))
            yield return request;
        foreach (var cell in plan.CellsTo(host))
            foreach (var (_, request) in Requests(cell, host))
                yield return request;
        foreach (var (sender, receiver, port) in SwarmAcross.Pairs(plan.SwarmNodes))
            foreach (var (_, request) in SwarmAcross.Requests(sender, receiver, port, host))
                yield return request;
        foreach (var (sender, receiver, source, destination, port) in WeaveAcross.Pairs(plan.WeaveNodes))
            foreach (var (_, request) in PeerPorts.Requests(sender, receiver, source, destination, port, host))
                yield return request;
    }

    /// <summary>A cell's legs as the fleet's hosts judged them (each host's walks by name), cut to the cell.</summary>
    public static Func<LegKey, Leg?> Of(CellSpec cell, IReadOnlyDictionary<string, LegAnswers> answers) => key =>
    {
        var host = key is LegKey.SenderForward or LegKey.SenderOutput or LegKey.SenderReplyInput or LegKey.SenderReplyInputMasqueraded
            or LegKey.SenderReply or LegKey.SenderReplyMasqueraded or LegKey.SenderLater or LegKey.SenderLaterMasqueraded
            or LegKey.SenderLaterUnreplied or LegKey.SenderLaterUnrepliedMasqueraded ? cell.Sender.Name : cell.Receiver.Name;
        if (!answers.TryGetValue(host, out var walks)) return null;
        foreach (var (k, request) in Requests(cell, host))
            if (k == key) return walks.Cut(request);
        return null;
    };

    /// <summary>The cell's forward leg on its sender: none when its way leaves by no device or stays on the sender's own bridge.</summary>
    public static LegRequest? SenderForward(CellSpec cell) => cell.Way is { OutDevice: { } device, Kind: not WayKind.OwnBridge }
        ? new(new(LegStage.SenderForward, PacketPath.Forward, cell.SenderBridge, device, null, null, false), cell.Sources, cell.Destinations)
        : null;

    /// <summary>The legs of a cell that one host judges, by key.</summary>
    public static IEnumerable<(LegKey Key, LegRequest Request)> Requests(CellSpec cell, string host)
    {
        var way = cell.Way;
        if (cell.Sender.Name == host && SenderForward(cell) is { } forward)
        {
            yield return (LegKey.SenderForward, forward);
            if (way.Outer is { } outer)
                yield return (LegKey.SenderOutput, new(new(LegStage.SenderOutput, PacketPath.Output, null, outer.Device, outer.Protocol, outer.Port, false, outer.State),
                    IntervalSet.Single(outer.Source), IntervalSet.Single(outer.Destination)));
        }

        if (cell.Receiver.Name == host && way.Reaches && way.PeerInDevice is not null)
        {
            if (way.Outer is { } inbound)
                yield return (LegKey.ReceiverInput, new(new(LegStage.ReceiverInput, PacketPath.Input, cell.Receiver.InterfaceOf(inbound.Destination), null, inbound.Protocol, inbound.Port, false, inbound.State),
                    IntervalSet.Single(inbound.Source), IntervalSet.Single(inbound.Destination)));
            yield return (LegKey.ReceiverForward, new(new(LegStage.ReceiverForward, PacketPath.Forward, way.PeerInDevice, cell.ReceiverBridge, null, null, false),
                cell.Sources, cell.Destinations));
            if (way.MasqueradeSource is { } masqueraded)
                yield return (LegKey.ReceiverForwardMasqueraded, new(new(LegStage.ReceiverForward, PacketPath.Forward, way.PeerInDevice, cell.ReceiverBridge, null, null, true),
                    IntervalSet.Single(masqueraded), cell.Destinations, cell.Sources));
        }

        foreach (var reply in ReplyLegs.Of(cell, host)) yield return reply;
    }
}
