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
        var answers = releases.Select(rules => (Rules: rules, Gateway: Choose(rules, candidates, family))).ToList();
        if (answers.All(a => Same(a.Gateway, answers[0].Gateway))) return answers[0].Gateway;
        var clauses = answers.GroupBy(a => a.Gateway.Endpoint?.Network)
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

    private static DefaultGateway Choose(Rules rules, List<Candidate> candidates, IpFamily family)
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
        return chosen is not null && chosen.Gives(family, rules) ? new(chosen.Endpoint, chosen.Network, null) : NoRoute;
    }

    private static bool Same(DefaultGateway a, DefaultGateway b) => a.Endpoint?.Network == b.Endpoint?.Network;

    private static string Name(IpFamily family) => family == IpFamily.V4 ? "IPv4" : "IPv6";

    private static string Words(DefaultGateway g) => g.Endpoint?.Network ?? "none of its networks";

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

        // The driver sets the family's gateway for an endpoint with an address of it; from 25 not on an internal network.
        public bool Gives(IpFamily family, Rules rules) =>
            Endpoint.Address(family) is not null && !(rules != Rules.Before25 && Network?.Internal == true);
    }
}
