using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// The endpoint that gives a container its default route of one family, as libnetwork chooses it.
/// Docker 20.10 to 27 take both default routes from one endpoint (the sandbox's gateway endpoint, the
/// head of its endpoint heap): docker_gwbridge last, internal networks after the others, then
/// dual-stack endpoints first, then by network name. The bridge driver gives every endpoint its
/// network's gateways, internal or not, so that endpoint sets the IPv4 and, when its network has IPv6,
/// the IPv6 default route: a container only on an internal dual-stack network has both (oracle F19),
/// one whose first endpoint is IPv4-only has no IPv6 default route, whatever its other networks
/// (oracle F14). Two internal networks are never ordered against each other (the heap's comparison
/// is false both ways): the one joined first leads, which Docker's view does not record (not even
/// <c>HostConfig.NetworkMode</c>: at each start moby's <c>allocateNetwork</c> joins the daemon's
/// default network first and every other in Go's map order, so the run's network leads only until
/// the container restarts). Docker 28
/// picks each family's gateway apart, <c>--gw-priority</c> first. Where the Engine's version is not
/// known and the two choices differ, the route is undecided, with the reason. Where the container's
/// own table was read (live mode, a bundle, <c>--container-routes</c>), its default route decides
/// instead: the kernel holds what Docker's view does not record.
/// </summary>
public sealed record DefaultGateway(DockerEndpoint? Endpoint, DockerNetwork? Network, string? Why)
{
    private static readonly DefaultGateway NoRoute = new(null, null, null);

    /// <summary>The endpoint of <paramref name="container"/> its default route of <paramref name="family"/> leaves by; no endpoint: no such route (or undecided, with <see cref="Why"/>).</summary>
    public static DefaultGateway Of(DockerContainer container, IpFamily family, DockerView view)
    {
        var candidates = container.Endpoints
            .Select(e => new Candidate(e, view.NetworkByName(e.Network)))
            .Where(c => c.Endpoint.Network is not ("host" or "none") && c.Network?.Driver is not ("host" or "null"))
            .ToList();
        // A container that shares another's namespace (or has no network) keeps the inference: its table is not its endpoints'.
        if (candidates.Count > 0 && container.ObservedRoutesOf(family) is { } table) return Observed(table, candidates, family);
        var apart = Apart(candidates, family);
        if (view.EngineMajor >= 28 || candidates.Any(c => c.Endpoint.GwPriority != 0)) return apart;
        var shared = Shared(candidates, family);
        if (view.EngineMajor is not null || shared.Why is not null || Same(shared, apart)) return shared;
        return new(null, null,
            $"Docker before 28 takes its default routes from {Words(shared, family)}, 28 and later from {Words(apart, family)}, "
            + "and the Engine's version is not known (give docker info's JSON with --docker)");
    }

    // The kernel's default route: out of the endpoint whose address the route's device holds (its
    // connected route), else whose network's gateway it goes by.
    private static DefaultGateway Observed(ContainerRouteTable table, List<Candidate> candidates, IpFamily family)
    {
        if (table.Default is not { } route) return NoRoute;
        var onDevice = candidates.FirstOrDefault(c => c.Endpoint.Address(family) is { } address
            && table.Routes.Any(r => !r.IsDefault && r.Gateway == 0 && r.Device == route.Device && r.Destination.Contains(address)));
        var byGateway = candidates.FirstOrDefault(c => c.Endpoint.Address(family) is not null
            && c.Network?.SubnetsOf(family).Any(s => s.Gateway == route.Gateway) == true);
        if ((onDevice ?? byGateway) is { } chosen) return Via(chosen, family);
        var gateway = Model.Values.IpAddressValue.Format(route.Gateway, family);
        return new(null, null, $"its {(family == IpFamily.V4 ? "IPv4" : "IPv6")} default route (via {gateway} dev {route.Device}, read from its namespace) leads by none of its networks");
    }

    // Docker 20.10-27: one gateway endpoint for both families.
    private static DefaultGateway Shared(List<Candidate> candidates, IpFamily family)
    {
        if (candidates.Count == 0) return NoRoute;
        var rank = candidates.Min(c => c.Rank);
        var first = candidates.Where(c => c.Rank == rank).ToList();
        if (rank == 0)
            return Via(first.OrderBy(c => c.DualStack ? 0 : 1).ThenBy(c => c.Endpoint.Network, StringComparer.Ordinal).First(), family);
        // Internal (or gwbridge) endpoints only: the first joined leads; certain only where all agree.
        var routes = first.Select(c => Via(c, family)).ToList();
        if (routes.All(r => Same(r, routes[0]))) return routes[0];
        return new(null, null,
            $"its default routes come from whichever of its internal networks {string.Join(", ", first.Select(c => c.Endpoint.Network).Order(StringComparer.Ordinal))} it joined first, which Docker's view does not record");
    }

    // Docker 28 and later: each family's gateway apart, the highest gw-priority first.
    private static DefaultGateway Apart(List<Candidate> candidates, IpFamily family) =>
        candidates.Where(c => c.Endpoint.Address(family) is not null)
            .OrderByDescending(c => c.Endpoint.GwPriority)
            .ThenBy(c => c.Rank)
            .ThenBy(c => c.DualStack ? 0 : 1)
            .ThenBy(c => c.Endpoint.Network, StringComparer.Ordinal)
            .Select(c => Via(c, family))
            .FirstOrDefault() ?? NoRoute;

    private static DefaultGateway Via(Candidate c, IpFamily family) =>
        c.Endpoint.Address(family) is null ? NoRoute : new(c.Endpoint, c.Network, null);

    private static bool Same(DefaultGateway a, DefaultGateway b) => a.Endpoint?.Network == b.Endpoint?.Network;

    private static string Words(DefaultGateway g, IpFamily family) =>
        g.Endpoint is { } e ? e.Network : $"an endpoint with no {(family == IpFamily.V4 ? "IPv4" : "IPv6")} (no such default route)";

    private sealed record Candidate(DockerEndpoint Endpoint, DockerNetwork? Network)
    {
        // libnetwork's order: docker_gwbridge last, internal networks after the others.
        public int Rank => Endpoint.Network == "docker_gwbridge" ? 2 : Network?.Internal == true ? 1 : 0;

        public bool DualStack => Endpoint is { Ipv4: not null, Ipv6: not null };
    }
}
