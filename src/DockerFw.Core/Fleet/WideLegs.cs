using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Routing;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Fleet;

/// <summary>
/// The legs a host will likely judge, asked while its bundle is first read, before the fleet's plan
/// exists (<see cref="FleetAuditor"/>'s one pass): a leg's group (stage, devices, protocol and port)
/// follows from the host's own networks, links, routes, swarm and Weave, and only its addresses from
/// the other hosts; so each group is walked over every address the peers could give it (every source
/// into its bridges but its own bridges' subnets, every destination out of them), and the plan's legs are cut from these walks. A
/// packet's fate does not depend on which other packets were asked about (<see cref="LegBatch"/>), so
/// a cut is what the leg alone gets. A leg the walks do not cover (a user network another host routes
/// into, a peer's tunnel port this host's own tunnels do not use) has its host read again.
/// </summary>
internal static class WideLegs
{
    private static readonly IntervalSet Every = IntervalSet.Range(0, uint.MaxValue);

    public static LegAnswers Judge(FleetHost host, HostSummary summary)
    {
        var batch = new LegBatch(new HostRules(host));
        foreach (var request in Of(summary)) batch.Add(request);
        // The receiver's leg for masqueraded packets is the other's walk (LegGroup.Walk): its source is one of every source.
        return batch.Judge();
    }

    public static IEnumerable<LegRequest> Of(HostSummary host)
    {
        // Bridges joined into one segment with a peer's by a layer-2 tunnel port: their packets go out (and come in) by the bridge itself.
        var segments = host.Links.Where(l => l is { IsTunnel: true, Master: not null } && TunnelKind.Of(l.Kind)!.Layer2).Select(l => l.Master!).ToHashSet();
        // The networks peers route to whatever their routes say: the default bridge, and a segment's (a user network another host routes into is not known yet).
        var bridges = host.Networks.Where(n => n.IsDefaultBridge || segments.Contains(n.Bridge)).ToList();
        var outs = host.Routes.Routes.Where(r => r.Family == IpFamily.V4 && r.Type == RouteType.Unicast && r.Device is not null)
            .Select(r => r.Device!).Where(d => host.NetworkOnBridge(d) is null || segments.Contains(d)).Distinct().ToList();
        var underlay = host.Addresses.Where(a => a.Interface != "lo" && host.NetworkOnBridge(a.Interface) is null).Select(a => a.Interface).Distinct().ToList();
        var tunnels = host.Links.Where(l => l.IsTunnel).ToList();
        var senders = PeerSources(host, segments);

        // Each way once as the openings take it and once, ESTABLISHED, for the rest of a connection
        // (ReplyLegs): out of a bridge, a sender's later packets and a receiver's replies; into it, a
        // receiver's later packets and a sender's replies (each pair one walk: LegGroup.Walk); a
        // tunnel's outer packets out and back.
        const ConntrackStates Established = ConntrackStates.Established;
        // A connection the sender masqueraded: its later packets out and replies in are SNAT there (oracle F45).
        const ConntrackStates Masqueraded = ConntrackStates.Established | ConntrackStates.Snat;
        if (!host.Routes.IsEmpty)
        {
            foreach (var n in bridges)
                foreach (var device in outs)
                {
                    yield return new(new(LegStage.SenderForward, PacketPath.Forward, n.Bridge, device, null, null, false), Addresses(host, n), Every);
                    yield return new(new(LegStage.SenderLater, PacketPath.Forward, n.Bridge, device, null, null, false, Established), Addresses(host, n), Every);
                    yield return new(new(LegStage.SenderLater, PacketPath.Forward, n.Bridge, device, null, null, false, Masqueraded), Addresses(host, n), Every);
                    yield return new(new(LegStage.ReceiverReply, PacketPath.Forward, n.Bridge, device, null, null, false, Established), Addresses(host, n), senders);
                    // Routed out of a segment, whose peer may answer by switching the replies into it past this host's conntrack (ReplySight).
                    if (device == n.Bridge || !segments.Contains(n.Bridge) || host.Settings.BridgedTrafficFiltered(n.Bridge) == true) continue;
                    yield return new(new(LegStage.SenderLater, PacketPath.Forward, n.Bridge, device, null, null, false, Established, Unreplied: true), Addresses(host, n), Every);
                    yield return new(new(LegStage.SenderLater, PacketPath.Forward, n.Bridge, device, null, null, false, Masqueraded, Unreplied: true), Addresses(host, n), Every);
                }

            foreach (var tunnel in tunnels)
            {
                var packet = OuterPacket.Of(host, tunnel);
                foreach (var stage in new[] { LegStage.SenderOutput, LegStage.ReceiverReplyOutput })
                    yield return new(new(stage, PacketPath.Output, null, packet.Device, packet.Protocol, packet.Port, false, packet.State),
                        IntervalSet.Single(packet.Source), IntervalSet.Single(packet.Destination));
            }
        }

        // A peer's tunnel back is of the kind (and VXLAN port) of this host's own.
        foreach (var (protocol, port, state) in tunnels.Select(t => OuterPacket.Of(host, t)).Select(p => (p.Protocol, p.Port, p.State)).Distinct())
            foreach (var device in underlay)
                foreach (var stage in new[] { LegStage.ReceiverInput, LegStage.SenderReplyInput })
                    yield return new(new(stage, PacketPath.Input, device, null, protocol, port, false, state), Every, Every);
        foreach (var n in bridges)
            foreach (var device in tunnels.Select(t => t.Name).Concat(underlay).Concat(segments).Distinct())
            {
                yield return new(new(LegStage.ReceiverForward, PacketPath.Forward, device, n.Bridge, null, null, false), senders, Addresses(host, n));
                yield return new(new(LegStage.ReceiverLater, PacketPath.Forward, device, n.Bridge, null, null, false, Established), senders, Addresses(host, n));
                yield return new(new(LegStage.SenderReply, PacketPath.Forward, device, n.Bridge, null, null, false, Established), senders, Addresses(host, n));
                yield return new(new(LegStage.SenderReply, PacketPath.Forward, device, n.Bridge, null, null, false, Masqueraded), senders, Addresses(host, n));
            }

        foreach (var (protocol, port) in PeerPorts(host))
        {
            foreach (var device in outs)
                yield return new(new(LegStage.SenderOutput, PacketPath.Output, null, device, protocol, port, false), Every, Every);
            foreach (var device in underlay)
                yield return new(new(LegStage.ReceiverInput, PacketPath.Input, device, null, protocol, port, false), Every, Every);
        }

        // A TCP peer port's answers (Fleet.PeerPorts), walked over every port: one walk each way serves every port.
        if (PeerPorts(host).Any(p => p.Protocol == Protocol.Tcp))
        {
            foreach (var device in outs)
                yield return new(new(LegStage.ReceiverReplyOutput, PacketPath.Output, null, device, Protocol.Tcp, null, false, ConntrackStates.Established), Every, Every);
            foreach (var device in underlay)
                yield return new(new(LegStage.SenderReplyInput, PacketPath.Input, device, null, Protocol.Tcp, null, false, ConntrackStates.Established), Every, Every);
        }
    }

    /// <summary>
    /// The sources a peer's packets into this host's bridges may have: every address but the subnets
    /// of this host's own bridges (those a layer-2 tunnel shares with a peer aside). A peer sends from
    /// its containers and its own addresses; one whose routed network overlaps a bridge of this host
    /// is an overlap (DFW770) whose replies this host keeps on its own bridge, and its cells into this
    /// host are not covered, so the host is read again for them. Walking those sources as well split
    /// the walk by each of Docker's MASQUERADE rules for them (of a 50-network host's 131 pieces, 98
    /// were its 49 user networks' sources, each cut again for every cell the host receives).
    /// </summary>
    private static IntervalSet PeerSources(HostSummary host, HashSet<string> segments) =>
        Every.Subtract(IntervalSet.FromRanges([.. host.Networks.Where(n => !segments.Contains(n.Bridge)).Select(n => n.Bounds)]));

    // The ports swarm and Weave open between hosts, as this host knows them.
    private static IEnumerable<(int Protocol, int Port)> PeerPorts(HostSummary host)
    {
        var ports = new HashSet<(int, int)>();
        if (host.Swarm is { Active: true, NodeAddress: not null } swarm)
        {
            ports.Add((Protocol.Tcp, SwarmInfo.DefaultControlPort));
            foreach (var manager in swarm.RemoteManagers) ports.Add((Protocol.Tcp, manager.Port));
            ports.Add((Protocol.Tcp, SwarmInfo.GossipPort));
            ports.Add((Protocol.Udp, SwarmInfo.GossipPort));
            ports.Add((Protocol.Udp, swarm.DataPathPort ?? SwarmInfo.DefaultDataPathPort));
        }

        if (host.Weave)
            foreach (var port in WeaveAcross.Ports) ports.Add((port.Protocol, port.Port));
        return ports;
    }

    private static IntervalSet Range(FleetNetwork n) => IntervalSet.Range(n.Bounds.First, n.Bounds.Last);

    // A network's cells are from (and to) its subnet, and its containers' addresses wherever Docker reports them.
    private static IntervalSet Addresses(HostSummary host, FleetNetwork n) =>
        Range(n).Union(IntervalSet.FromValues(host.Containers.Where(c => c.Network == n).Select(c => c.Address)));
}
