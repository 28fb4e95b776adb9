namespace DockerFw.Core.Fleet;

/// <summary>
/// Routed networks of two hosts whose subnets overlap (every host left on the default 172.17.0.0/16):
/// a packet to the peer's container is delivered to the sender's own bridge, or to the wrong host.
/// Bridges joined by a layer-2 tunnel (a gretap or vxlan port of each, to the other) are one segment
/// and share their subnet on purpose. One finding per pair of hosts, naming each pair of their networks that overlap: the remedy (each
/// host its own subnets) is one for the pair, however many of their networks collide.
/// </summary>
public static class SubnetOverlaps
{
    public static IEnumerable<FleetFinding> Find(FleetPlan plan)
    {
        // Routed is by host, so the first network of a pair is always the earlier host's.
        var routed = plan.Routed;
        var hosts = plan.Hosts.GroupBy(h => h.Name).ToDictionary(g => g.Key, g => g.First());
        var pairs = new Dictionary<(string, string), List<(FleetNetwork A, FleetNetwork B)>>();
        var order = new List<(string, string)>();
        for (var i = 0; i < routed.Length; i++)
            for (var j = i + 1; j < routed.Length; j++)
            {
                var (a, b) = (routed[i], routed[j]);
                if (a.Host == b.Host || a.Bounds.Last < b.Bounds.First || b.Bounds.Last < a.Bounds.First) continue;
                // Two bridges joined by a layer-2 tunnel are one segment: one subnet is the point.
                if (hosts[a.Host].BridgedTunnelTo(a.Bridge, hosts[b.Host]) is not null && hosts[b.Host].BridgedTunnelTo(b.Bridge, hosts[a.Host]) is not null) continue;
                if (!pairs.TryGetValue((a.Host, b.Host), out var overlapping))
                {
                    pairs[(a.Host, b.Host)] = overlapping = [];
                    order.Add((a.Host, b.Host));
                }

                overlapping.Add((a, b));
            }

        foreach (var (first, second) in order)
        {
            var overlapping = pairs[(first, second)];
            var which = overlapping.Count == 1
                ? $"{overlapping[0].A.Display} and {overlapping[0].B.Display} overlap"
                : $"{overlapping.Count} pairs of {first}'s and {second}'s routed networks overlap: {string.Join(", ", overlapping.Select(p => $"{p.A.Display} and {p.B.Display}"))}";
            yield return new FleetFinding(FleetCodes.SubnetsOverlap, [first, second],
                $"{which}: neither host can route to the other's containers there (a packet to the peer's container stays on the sender's own bridge); give each host its own subnet{(overlapping.Count == 1 ? "" : "s")} (dockerd --bip, e.g. 10.103.100.1/24 on one and 10.103.200.1/24 on the other)");
        }
    }
}
