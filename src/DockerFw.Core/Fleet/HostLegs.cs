using System.Collections.Immutable;
using DockerFw.Core.Model.Values;
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
        var rules = new HostRules(host);
        var legs = ImmutableDictionary.CreateBuilder<(int, LegKey), Leg>();
        foreach (var cell in plan.Cells)
        {
            var way = cell.Way;
            if (cell.Sender.Name == host.Name && way.OutDevice is not null && way.Kind != WayKind.OwnBridge)
            {
                legs[(cell.Index, LegKey.SenderForward)] = rules.Judge(LegStage.SenderForward, PacketPath.Forward, cell.SenderBridge, way.OutDevice,
                    cell.Sources, cell.Destinations, ConntrackStates.New);
                if (way.Outer is { } outer)
                    legs[(cell.Index, LegKey.SenderOutput)] = rules.Judge(LegStage.SenderOutput, PacketPath.Output, null, outer.Device,
                        IntervalSet.Single(outer.Source), IntervalSet.Single(outer.Destination), ConntrackStates.New, outer.Protocol, outer.Port);
            }

            if (cell.Receiver.Name != host.Name || !way.Reaches || way.PeerInDevice is null) continue;
            if (way.Outer is { } inbound)
                legs[(cell.Index, LegKey.ReceiverInput)] = rules.Judge(LegStage.ReceiverInput, PacketPath.Input,
                    cell.Receiver.InterfaceOf(inbound.Destination), null,
                    IntervalSet.Single(inbound.Source), IntervalSet.Single(inbound.Destination), ConntrackStates.New, inbound.Protocol, inbound.Port);
            legs[(cell.Index, LegKey.ReceiverForward)] = rules.Judge(LegStage.ReceiverForward, PacketPath.Forward, way.PeerInDevice, cell.ReceiverBridge,
                cell.Sources, cell.Destinations, ConntrackStates.New);
            if (way.MasqueradeSource is { } masqueraded)
                legs[(cell.Index, LegKey.ReceiverForwardMasqueraded)] = rules.Judge(LegStage.ReceiverForward, PacketPath.Forward, way.PeerInDevice, cell.ReceiverBridge,
                    IntervalSet.Single(masqueraded), cell.Destinations, ConntrackStates.New, seenAs: cell.Sources);
        }

        return legs.ToImmutable();
    }
}
