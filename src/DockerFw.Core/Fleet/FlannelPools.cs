using DockerFw.Core.Audit.Fabric;

namespace DockerFw.Core.Fleet;

/// <summary>
/// flannel across the fleet, from each host's flanneld rules (<see cref="FlannelConfig.Infer"/>): one
/// pool for every host (DFW779), every host's docker0 inside it (DFW777), no two hosts' leases
/// overlapping (DFW778: flannel's own leases never do, so an overlap is a docker0 or a lease set by
/// hand), and containers' MTU within flannel's device's (DFW780).
/// </summary>
public static class FlannelPools
{
    public static IEnumerable<FleetFinding> Find(IReadOnlyList<HostSummary> hosts)
    {
        var flannel = hosts.Where(h => h.Flannel is not null).ToList();
        if (flannel.Count == 0) yield break;
        var pools = flannel.GroupBy(h => h.Flannel!.Network).ToList();
        if (pools.Count > 1)
            yield return new FleetFinding(FleetCodes.PoolsDiffer, [.. flannel.Select(h => h.Name)],
                $"the hosts' flanneld name different pools ({string.Join("; ", pools.Select(g => $"{g.Key} on {string.Join(", ", g.Select(h => h.Name))}"))}): each leases and routes only its own, so the others' containers are unreachable; point every flanneld at the same network configuration (etcd's /coreos.com/network/config, or the kube-flannel ConfigMap)");
        // The pool most hosts name is the fleet's; a host without flannel is judged against it too.
        var pool = pools.OrderByDescending(g => g.Count()).First().Key;
        var bridges = hosts.Select(h => (Host: h, Bridge: h.Networks.FirstOrDefault(n => n.IsDefaultBridge))).Where(x => x.Bridge is not null).ToList();
        foreach (var (host, bridge) in bridges)
            if (!FlannelConfig.Within(bridge!.Subnet, pool))
                yield return new FleetFinding(FleetCodes.OutsidePool, [host.Name],
                    $"{host.Name}'s {bridge.Bridge} is on {bridge.Subnet}, outside the flannel pool {pool}" + (host.Flannel is null ? $" ({host.Name} shows no flanneld rules)" : "")
                    + $": the other hosts route the pool through flannel, not {bridge.Subnet}, so {host.Name}'s containers are unreachable from theirs; start dockerd with --bip=${{FLANNEL_SUBNET}} from flannel's subnet.env on {host.Name}");

        var leases = hosts.Select(h => (Host: h, Lease: h.Flannel?.Subnet ?? bridges.FirstOrDefault(b => b.Host == h).Bridge?.Subnet))
            .Where(x => x.Lease is not null && FlannelConfig.Within(x.Lease, pool)).ToList();
        for (var i = 0; i < leases.Count; i++)
            for (var j = i + 1; j < leases.Count; j++)
            {
                var (a, b) = (leases[i], leases[j]);
                if (a.Lease!.Bounds.Last < b.Lease!.Bounds.First || b.Lease.Bounds.Last < a.Lease.Bounds.First) continue;
                yield return new FleetFinding(FleetCodes.LeasesOverlap, [a.Host.Name, b.Host.Name],
                    $"{a.Host.Name}'s lease {a.Lease} and {b.Host.Name}'s {b.Lease} overlap in the pool {pool}: flannel routes each address to one host, so the other's containers there are unreachable (or answered by the wrong host); flanneld never leases overlapping subnets, so one is set by hand (a docker0 --bip, a stale subnet.env): let flanneld lease it and restart dockerd with its FLANNEL_SUBNET");
            }

        foreach (var host in flannel)
        {
            var device = host.Link(FlannelConfig.VxlanDevice);
            var bridge = host.Networks.FirstOrDefault(n => n.IsDefaultBridge);
            if (device is null || bridge is null) continue;
            var ports = host.Links.Where(l => l.Master == bridge.Bridge).Select(l => l.Mtu).DefaultIfEmpty(host.MtuOf(bridge.Bridge)).Max();
            if (ports > device.Mtu && device.Mtu > 0)
                yield return new FleetFinding(FleetCodes.FlannelMtu, [host.Name],
                    $"{host.Name}'s containers on {bridge.Bridge} send packets of up to {ports} bytes but {FlannelConfig.VxlanDevice} carries {device.Mtu} (FLANNEL_MTU): larger packets to the other hosts are fragmented, or dropped when they may not be (TCP sets DF); start dockerd with --mtu=${{FLANNEL_MTU}} ({device.Mtu}) on {host.Name}");
        }
    }

}
