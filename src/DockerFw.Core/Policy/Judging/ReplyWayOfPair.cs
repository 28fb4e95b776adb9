using DockerFw.Core.Model.Values;
using DockerFw.Core.Remediation;

namespace DockerFw.Core.Policy.Judging;

/// <summary>
/// Where a server answers a client of another network, by its own routes, as the audit's matrices judge
/// it (<c>ReplyWay</c>, <c>ContainerRoutes</c>; oracle F10, and F26 over IPv6): a server that is also on
/// a network whose subnet holds the client's address answers from its endpoint there, whatever address
/// the client asked, so its replies are switched on that bridge (ESTABLISHED, in and out on it: a plan's
/// drop inside it drops them) and never come back through the host the way the request came. Over IPv6
/// it must first find the client's link there (<see cref="Audit.Analysis.NeighbourDiscoveryGate.Answering"/>).
/// A server with no endpoint on such a network answers the request's way back. A default route through a
/// third network is not judged here: the policy's members say nothing of gateways, and Docker masquerades
/// what leaves a bridge for another, so that reply comes back the request's way anyway.
/// </summary>
internal static class ReplyWayOfPair
{
    /// <summary>The server's endpoint its replies to <paramref name="from"/> leave by, when it is not the one asked (<paramref name="to"/>).</summary>
    public static ContainerOnNetwork? Of(ResolvedPolicy policy, ContainerOnNetwork from, ContainerOnNetwork to, IpFamily family)
    {
        if (from.Network.Id == to.Network.Id || from.AddressOf(family) is not { } client) return null;
        return policy.Members.FirstOrDefault(m => m.Container.Id == to.Container.Id && m.Network.Id != to.Network.Id
            && m.AddressOf(family) is not null && m.Network.Bridge is not null
            && m.Network.SubnetsOf(family).Any(s => s.Network.Contains(client)));
    }
}
