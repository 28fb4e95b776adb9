using System.Collections.Immutable;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Fleet;

/// <summary>Which leg of a cell: the four stages, the receiver's forward leg once for each source it may see.</summary>
public enum LegKey
{
    SenderForward,
    SenderOutput,
    ReceiverInput,

    /// <summary>The receiver's forward leg for packets that keep the container's source.</summary>
    ReceiverForward,

    /// <summary>The receiver's forward leg for packets the sender masqueraded to its own address.</summary>
    ReceiverForwardMasqueraded,
}

/// <summary>
/// The legs one host judges, read while its rules are loaded: as sender, its forward leg (and the
/// tunnel's outer packet out); as receiver, the outer packet in and its forward leg. Only these small
/// answers outlive the host's rules, so a fleet is judged one host at a time.
/// </summary>
public static class HostLegs
{
    public static ImmutableDictionary<(int Cell, LegKey Key), Leg> Judge(FleetHost host, FleetPlan plan)
    {
        var legs = new LegBatch(new HostRules(host));
        foreach (var cell in plan.CellsOf(host.Name))
        {
            var way = cell.Way;
            if (cell.Sender.Name == host.Name && way.OutDevice is not null && way.Kind != WayKind.OwnBridge)
            {
                legs.Add((cell.Index, LegKey.SenderForward), LegStage.SenderForward, PacketPath.Forward, cell.SenderBridge, way.OutDevice,
                    cell.Sources, cell.Destinations);
                if (way.Outer is { } outer)
                    legs.Add((cell.Index, LegKey.SenderOutput), LegStage.SenderOutput, PacketPath.Output, null, outer.Device,
                        IntervalSet.Single(outer.Source), IntervalSet.Single(outer.Destination), outer.Protocol, outer.Port);
            }

            if (cell.Receiver.Name != host.Name || !way.Reaches || way.PeerInDevice is null) continue;
            if (way.Outer is { } inbound)
                legs.Add((cell.Index, LegKey.ReceiverInput), LegStage.ReceiverInput, PacketPath.Input, cell.Receiver.InterfaceOf(inbound.Destination), null,
                    IntervalSet.Single(inbound.Source), IntervalSet.Single(inbound.Destination), inbound.Protocol, inbound.Port);
            legs.Add((cell.Index, LegKey.ReceiverForward), LegStage.ReceiverForward, PacketPath.Forward, way.PeerInDevice, cell.ReceiverBridge,
                cell.Sources, cell.Destinations);
            if (way.MasqueradeSource is { } masqueraded)
                legs.Add((cell.Index, LegKey.ReceiverForwardMasqueraded), LegStage.ReceiverForward, PacketPath.Forward, way.PeerInDevice, cell.ReceiverBridge,
                    IntervalSet.Single(masqueraded), cell.Destinations, seenAs: cell.Sources);
        }

        return legs.Judge();
    }
}
