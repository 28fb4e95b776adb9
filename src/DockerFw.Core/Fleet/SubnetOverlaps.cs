using System.Collections.Immutable;

namespace DockerFw.Core.Fleet;

/// <summary>
/// Routed networks of two hosts whose subnets overlap (every host left on the default 172.17.0.0/16):
/// a packet to the peer's container is delivered to the sender's own bridge, or to the wrong host.
/// </summary>
public static class SubnetOverlaps
{
    public static IEnumerable<FleetFinding> Find(FleetPlan plan)
    {
        var routed = plan.Routed;
        for (var i = 0; i < routed.Length; i++)
            for (var j = i + 1; j < routed.Length; j++)
            {
                var (a, b) = (routed[i], routed[j]);
                if (a.Host == b.Host || a.Bounds.Last < b.Bounds.First || b.Bounds.Last < a.Bounds.First) continue;
                yield return new FleetFinding(FleetCodes.SubnetsOverlap, [a.Host, b.Host],
                    $"{a.Display} and {b.Display} overlap: neither host can route to the other's containers there (a packet to the peer's container stays on the sender's own bridge); give each host its own subnet (dockerd --bip, e.g. 10.103.100.1/24 on one and 10.103.200.1/24 on the other)");
            }
    }
}
