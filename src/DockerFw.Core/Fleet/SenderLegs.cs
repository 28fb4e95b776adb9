using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Routing;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Fleet;

/// <summary>
/// The legs a host judges as the sender of its cells (<see cref="HostLegs.Requests"/>'s sender side),
/// without making each cell: a sender's legs depend on a cell's way only through the route to its
/// destinations (the device it leaves by) and, for a tunnel, whether the receiver owns the far end.
/// A host of a fleet of 1,000 sends some 2,000 cells; finding each one's whole way (its spec, its
/// reason, the receiver's side) twice a run, here and in the report, was a quarter of the run's CPU.
/// <see cref="FleetPlanTests"/> checks these are the requests of every cell the host sends.
/// </summary>
internal static class SenderLegs
{
    public static IEnumerable<LegRequest> Of(FleetPlan plan, HostSummary sender)
    {
        // As UnderlayWay.Find: a sender without routes sends everything elsewhere, with no device.
        if (sender.Routes.IsEmpty) yield break;
        var outers = new Dictionary<HostLink, LegRequest>();
        var froms = plan.RoutedEnds(sender.Name);
        foreach (var receiver in plan.Hosts)
        {
            if (receiver.Name == sender.Name) continue;
            var tos = plan.RoutedEnds(receiver.Name);
            // Network cells first, then container cells, as FleetPlan.Between makes them.
            foreach (var from in froms)
                foreach (var to in tos)
                    foreach (var request in Leg(from.Network.Bridge, from.Range, to.Range))
                        yield return request;
            foreach (var from in froms)
                foreach (var to in tos)
                    foreach (var (_, source) in from.Containers)
                        foreach (var (_, destination) in to.Containers)
                            foreach (var request in Leg(from.Network.Bridge, source, destination))
                                yield return request;

            IEnumerable<LegRequest> Leg(string bridge, IntervalSet sources, IntervalSet destinations)
            {
                // UnderlayWay.Find's out device: none for no route, one that does not send on, or one onto the sender's own bridge.
                var route = RouteIndex.Lookup(sender.Routes, destinations.Min);
                if (route is not { Type: RouteType.Unicast, Device: { } device }) yield break;
                // Onto its own bridge: bridged to the receiver through a layer-2 tunnel port, or kept home.
                var bridged = sender.NetworkOnBridge(device) is null ? null : sender.BridgedTunnelTo(device, receiver);
                if (bridged is null && sender.NetworkOnBridge(device) is not null) yield break;
                yield return new(new(LegStage.SenderForward, PacketPath.Forward, bridge, device, null, null, false), sources, destinations);
                var link = bridged ?? (sender.Link(device) is { IsTunnel: true } routed && receiver.Owns(routed.Remote!.Value) ? routed : null);
                if (link is not null)
                {
                    if (!outers.TryGetValue(link, out var outer))
                    {
                        var packet = OuterPacket.Of(sender, link);
                        outers[link] = outer = new(new(LegStage.SenderOutput, PacketPath.Output, null, packet.Device, packet.Protocol, packet.Port, false, packet.State),
                            IntervalSet.Single(packet.Source), IntervalSet.Single(packet.Destination));
                    }

                    yield return outer;
                }

                // The replies' legs: only a way that reaches the receiver has them, so the whole way is found for those alone.
                if (link is null && !(route.Gateway is { } gateway ? receiver.Owns(gateway) : receiver.Owns(destinations.Min))) yield break;
                var way = UnderlayWay.Find(sender, receiver, destinations.Min);
                var backs = new UnderlayWay?[2];
                UnderlayWay? Back(bool masqueraded) => backs[masqueraded ? 1 : 0] ??=
                    masqueraded ? way.MasqueradeSource is { } m ? UnderlayWay.Find(receiver, sender, m) : null : UnderlayWay.Find(receiver, sender, sources.Min);
                foreach (var (_, reply) in ReplyLegs.Of(sender, receiver, bridge, "", sources, destinations, way, Back, sender.Name))
                    yield return reply;
            }
        }
    }
}
