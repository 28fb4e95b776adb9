using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// The endpoint that gives a container its default route of one family, as libnetwork chooses it.
/// libnetwork keeps a sandbox's endpoints sorted (<c>Endpoint.Less</c>, a total order since
/// moby/libnetwork#2093 replaced the heap): the highest <c>--gw-priority</c> first (28), docker_gwbridge
/// last, internal networks after the others, then by the gateways the driver gave (both before IPv6
/// only before IPv4 only before none), then by network name. The order a container joined its networks
/// never matters, nor does the default bridge's place (the lab, docs/audit.md: <c>DefaultGatewayLabTests</c>).
/// The bridge driver gives an endpoint its network's gateways, internal or not, before Docker 25; from
/// 25 (moby#46603) an internal network's endpoints get none, so no default route leads through one.
/// Docker 20.10 to 27 take both default routes from the first endpoint with an IPv4 gateway: a container
/// only on an internal dual-stack network has both through it (oracle F19, before 25), one whose first
/// endpoint is IPv4-only has no IPv6 default route, whatever its other networks (oracle F14). Docker 28
/// picks each family's gateway apart, except that the first dual-stack endpoint takes both (the FIXME
/// of its <c>selectGatewayEndpoint</c>: a higher-priority IPv4-only one loses its IPv4 route); a later
/// release picks strictly per family (moby#52328), so from 29 a route on which the two differ is
/// undecided, as is one on which the Engine versions differ when its version is not known, with the
/// reason. Where the container's own table was read (live mode, a bundle, <c>--container-routes</c>),
/// its default route decides instead: the kernel holds what Docker's view does not record.
/// Not every driver gives a gateway (<see cref="Candidate.Gives"/>): the overlay driver's <c>Join</c>
/// sets none, only routes to the network's other subnets, so an overlay endpoint gives no default
/// route; macvlan and ipvlan give their network's gateways (ipvlan L3 a default route by its device),
/// but none on an internal network, in every release. A container none of whose networks gives a
/// gateway, one of them not internal (an overlay), is joined to docker_gwbridge by libnetwork
/// (<c>needDefaultGW</c>), an endpoint Docker's view of the container does not list: its route is there,
/// at an address the view does not record, so it is undecided with the reason.
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
        var releases = RulesOf(view.EngineMajor, candidates.Any(c => c.Endpoint.GwPriority != 0));
        var answers = releases.Select(rules => (Rules: rules, Gateway: Choose(rules, candidates, family, view))).ToList();
        if (answers.All(a => Same(a.Gateway, answers[0].Gateway))) return answers[0].Gateway;
        var clauses = answers.GroupBy(a => Words(a.Gateway))
            .Select((g, i) => $"from {Words(g.First().Gateway)} in {(i == 0 ? "Docker " : "")}{Labels([.. g.Select(a => a.Rules)], releases)}");
        var unknown = view.EngineVersion is { } version
            ? $"which of them Docker {version} follows is not known"
            : "the Engine's version is not known (give docker info's JSON with --docker)";
        return new(null, null, $"its {Name(family)} default route comes {string.Join(", ", clauses)}, and {unknown}");
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
        if ((onDevice ?? byGateway) is { } chosen) return new(chosen.Endpoint, chosen.Network, null);
        var gateway = IpAddressValue.Format(route.Gateway, family);
        return new(null, null, $"its {Name(family)} default route (via {gateway} dev {route.Device}, read from its namespace) leads by none of its networks");
    }

    // The Engine releases whose choice may apply: the version's, else all. Only 28 and later have a
    // gw-priority (20.10 drops --gw-priority: the lab), so one set means 28 or later whatever the version says.
    private static Rules[] RulesOf(int? major, bool prioritized) => (major, prioritized) switch
    {
        (28, _) => [Rules.Docker28],
        (> 28, _) or (_, true) => [Rules.Docker28, Rules.PerFamily],
        (< 25, _) => [Rules.Before25],
        (< 28, _) => [Rules.From25],
        _ => [Rules.Before25, Rules.From25, Rules.Docker28, Rules.PerFamily],
    };

    private static DefaultGateway Choose(Rules rules, List<Candidate> candidates, IpFamily family, DockerView view)
    {
        var sorted = candidates
            .OrderByDescending(c => c.Endpoint.GwPriority)
            .ThenBy(c => c.InGatewayBridge ? 1 : 0)
            .ThenBy(c => c.Network?.Internal == true ? 1 : 0)
            .ThenByDescending(c => (c.Gives(IpFamily.V4, rules) ? 1 : 0) + (c.Gives(IpFamily.V6, rules) ? 2 : 0))
            .ThenBy(c => c.Endpoint.Network, StringComparer.Ordinal)
            .ToList();
        var chosen = rules switch
        {
            // getGatewayEndpoint: the first endpoint with an IPv4 gateway gives both routes.
            Rules.Before25 or Rules.From25 => sorted.FirstOrDefault(c => c.Gives(IpFamily.V4, rules)),
            Rules.Docker28 => sorted.FirstOrDefault(c => c.Gives(IpFamily.V4, rules) && c.Gives(IpFamily.V6, rules))
                ?? sorted.FirstOrDefault(c => c.Gives(family, rules)),
            _ => sorted.FirstOrDefault(c => c.Gives(family, rules)),
        };
        if (chosen is not null) return chosen.Gives(family, rules) ? new(chosen.Endpoint, chosen.Network, null) : NoRoute;
        // No endpoint listed gives a gateway: docker_gwbridge's, sorted last, is the gateway endpoint if libnetwork added it.
        return NeedsGatewayBridge(candidates, rules) is { Count: > 0 } without ? ViaGatewayBridge(without, family, view) : NoRoute;
    }

    private const string GatewayBridge = "docker_gwbridge";

    // needDefaultGW (libnetwork/default_gateway.go): no endpoint that is not internal gives a gateway of
    // either family or a default route, and one gives neither: the endpoints that give none, else empty.
    private static List<Candidate> NeedsGatewayBridge(List<Candidate> candidates, Rules rules)
    {
        var outside = candidates.Where(c => !c.InGatewayBridge && c.Network?.Internal != true).ToList();
        return outside.Any(c => c.Gives(IpFamily.V4, rules) || c.Gives(IpFamily.V6, rules)) ? [] : outside;
    }

    // The gateway endpoint libnetwork adds on docker_gwbridge: none of the family where the view shows the
    // network without a subnet of it; else there, at an address the container's view does not list.
    private static DefaultGateway ViaGatewayBridge(List<Candidate> without, IpFamily family, DockerView view)
    {
        var bridge = view.NetworkByName(GatewayBridge);
        if (bridge is not null && !bridge.SubnetsOf(family).Any()) return NoRoute;
        return new(null, null, $"its {Name(family)} default route leaves by {GatewayBridge}, which libnetwork joins it to since none of its networks gives a gateway "
            + $"({string.Join(", ", without.Select(c => $"{c.Endpoint.Network} ({c.Network?.Driver ?? "unknown driver"})"))}), at an address Docker's view of the container does not list");
    }

    private static bool Same(DefaultGateway a, DefaultGateway b) => Words(a) == Words(b) && a.Why == b.Why;

    private static string Name(IpFamily family) => family == IpFamily.V4 ? "IPv4" : "IPv6";

    private static string Words(DefaultGateway g) => g.Endpoint?.Network ?? g.Network?.Name ?? (g.Why is null ? "none of its networks" : GatewayBridge);

    // Releases that run to the last that may apply read "25 and later".
    private static string Labels(Rules[] group, Rules[] releases) =>
        group.Length > 1 && releases.AsSpan(releases.Length - group.Length).SequenceEqual(group)
            ? group[0] switch { Rules.Before25 => "20.10", Rules.From25 => "25", _ => "28" } + " and later"
            : string.Join(" and ", group.Select(rules => rules switch
            {
                Rules.Before25 => "20.10 to 24",
                Rules.From25 => "25 to 27",
                Rules.Docker28 => "28 (and 29 before moby#52328)",
                _ => "releases with moby#52328",
            }));

    // Which libnetwork: internal networks' gateways (until 25), one gateway endpoint for both families
    // (until 27), 28's dual-stack endpoint first, strictly per family (moby#52328).
    private enum Rules
    {
        Before25,
        From25,
        Docker28,
        PerFamily,
    }

    private sealed record Candidate(DockerEndpoint Endpoint, DockerNetwork? Network)
    {
        public bool InGatewayBridge => Endpoint.Network == "docker_gwbridge";

        /// <summary>
        /// Whether the driver sets the family's gateway (or a default route) for an endpoint with an address of it.
        /// bridge: its network's gateways, from 25 not on an internal network (moby#46603). overlay: none
        /// (drivers/overlay/joinleave.go Join: AddStaticRoute to the network's other subnets, no SetGateway).
        /// macvlan, ipvlan: not on an internal network, in every release (macvlan_joinleave.go and
        /// ipvlan_joinleave.go Join: SetGateway/SetGatewayIPv6, ipvlan L3 a default route by its device,
        /// all under <c>if !n.config.Internal</c>). Another driver (a plugin) is taken as the bridge.
        /// </summary>
        public bool Gives(IpFamily family, Rules rules) => Endpoint.Address(family) is not null && Network?.Driver switch
        {
            "overlay" => false,
            "macvlan" or "ipvlan" => Network.Internal != true,
            _ => !(rules != Rules.Before25 && Network?.Internal == true),
        };
    }
}
