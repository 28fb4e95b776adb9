namespace DockerFw.Core.Fleet;

/// <summary>
/// MTUs along a cell's way: the largest packet the sender's containers send (their veths on the
/// bridge, else the bridge) against what the way carries (the device out, and for a tunnel the
/// underlay device less the encapsulation), and the tunnel's two ends against each other.
/// </summary>
public static class MtuCheck
{
    public static IEnumerable<FleetFinding> Find(CellSpec cell)
    {
        var way = cell.Way;
        if (!way.Reaches || way.OutDevice is null) yield break;
        var sender = cell.Sender;
        var container = ContainerMtu(sender, cell.SenderBridge);
        // A bridged way's frames leave by the bridge's tunnel port, which does not fragment them.
        var outDevice = way.Kind == WayKind.Bridged ? way.Tunnel!.Name : way.OutDevice;
        var outMtu = sender.MtuOf(outDevice);
        if (container == 0 || outMtu == 0) yield break;
        var path = outMtu;
        var carried = $"{outDevice} (MTU {outMtu})";
        if (way.Tunnel is { } tunnel && way.Outer?.Device is { } underlay && sender.MtuOf(underlay) is > 0 and var underlayMtu
            && underlayMtu - tunnel.Overhead < path)
        {
            path = underlayMtu - tunnel.Overhead;
            carried = $"{tunnel.Name} over {underlay} (MTU {underlayMtu} less {tunnel.Overhead} bytes of {tunnel.Kind})";
        }

        if (container > path)
            yield return new FleetFinding(FleetCodes.MtuMismatch, [sender.Name, cell.Receiver.Name],
                $"{cell.From}'s containers send packets of up to {container} bytes but the way to {cell.To} carries {path}: {carried}; larger packets are fragmented, or dropped when they may not be (TCP sets DF); start dockerd with --mtu={path} on {sender.Name}");
        var peerEnd = way.Kind == WayKind.Bridged ? way.PeerTunnel?.Name : way.PeerInDevice;
        if (way.Tunnel is not null && peerEnd is not null && cell.Receiver.MtuOf(peerEnd) is > 0 and var peerMtu && peerMtu != outMtu)
            yield return new FleetFinding(FleetCodes.MtuMismatch, [sender.Name, cell.Receiver.Name],
                $"the tunnel's ends differ: {outDevice} on {sender.Name} has MTU {outMtu}, {peerEnd} on {cell.Receiver.Name} has {peerMtu}; set the same MTU on both ends");
    }

    private static int ContainerMtu(HostSummary host, string bridge)
    {
        var ports = host.Links.Where(l => l.Master == bridge).Select(l => l.Mtu).ToList();
        return ports.Count > 0 ? ports.Max() : host.MtuOf(bridge);
    }
}
