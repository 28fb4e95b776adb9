using System.Collections.Immutable;
using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Audit.Checks;

namespace DockerFw.Core.Audit;

/// <summary>
/// Runs an audit: the facts every report carries (networks declared vs effective, the reachability
/// matrix, published ports, links, DOCKER-USER) and the findings of each check, in a stable order.
/// </summary>
public static class Auditor
{
    /// <summary>Said wherever an answer rests on a view reconstructed from the rules alone: here, and by plan and reach (<see cref="Host.LoadedHost.ViewDoubts"/>).</summary>
    public const string ViewInferredNotice =
        "view inferred from the ruleset: networks are named after their bridges, and only what Docker's rules show is known";

    public static AuditReport Run(AuditContext context) => Run(context, Checks.Checks.All);

    public static AuditReport Run(AuditContext context, IEnumerable<IAuditCheck> checks)
    {
        var analysis = context.Analysis();
        var notices = ImmutableArray.CreateBuilder<string>();
        if (analysis.Inputs.ViewInferred)
            notices.Add(ViewInferredNotice);
        notices.AddRange(analysis.Inputs.View.InferenceDoubts);
        // An IPv6 view of its own is inferred from ip6tables' rules; otherwise it is IPv4's, said above.
        if (analysis.V6?.Inputs is { ViewInferred: true } v6Inputs) notices.AddRange(v6Inputs.View.InferenceDoubts.Select(d => $"IPv6: {d}"));
        if (analysis.Inputs.Host.BridgeNfCallIptables is null && analysis.Networks.Any(n => n.BridgedTrafficFiltered is null))
            notices.Add("bridge-nf-call-iptables unknown: traffic inside a bridge is judged as if br_netfilter hands it to iptables");
        if (analysis.V6 is null && !context.V6.Tables.IsEmpty)
            notices.Add("IPv6 rules were read but hold none of Docker's chains (dockerd with ip6tables=false?): IPv6 is not judged");
        if (analysis.V6 is { } v6)
            notices.Add(v6.Inputs.Networks.Length < 2
                ? "IPv6 rules were read, but fewer than two networks have an IPv6 subnet: no IPv6 isolation between networks to judge; access from outside, icc, masquerade, published ports (published_ports_v6), links (links_v6) and DOCKER-USER's rules are judged in the ip6tables rules; docker_user describes IPv4 only"
                : "IPv6: isolation (reachability_v6), access from outside, icc, masquerade, published ports (published_ports_v6), links (links_v6) and DOCKER-USER's rules are judged in the ip6tables rules; docker_user describes IPv4 only");

        var overlay = OverlayFacts.Of(context);
        if (UnjudgedNetworks(analysis.Inputs.View, overlay is not null) is { } unjudged) notices.Add(unjudged);
        if (ProxyFacts.Of(context).Notice(analysis.Ports.IsEmpty) is { } proxies) notices.Add(proxies);
        if (!context.Proxies.Listeners.IsEmpty) notices.AddRange(ProxyFacts.Of(context).ReplyDoubts());

        var v6Facts = analysis.V6?.Networks.ToDictionary(f => f.Network.Bridge) ?? [];
        var networks = analysis.Networks.Select(f => new NetworkReport(
            f.Network.Name, f.Network.Bridge,
            [.. f.Network.Network.Subnets.Select(s => s.Network.ToString())],
            f.Network.Network.Internal,
            f.Network.Network.GatewayModeIpv4 ?? "nat",
            f.Icc.ToSetting(f.Network.Network.EnableIcc),
            f.Masquerade)
        {
            SnatTo = f.SnatTo,
            SnatVia = f.Outbound.ByWay,
            IccV6 = v6Facts.TryGetValue(f.Network.Bridge, out var six) ? six.Icc.ToSetting(six.Network.Network.EnableIcc) : null,
            MasqueradeV6 = v6Facts.TryGetValue(f.Network.Bridge, out var six6)
                ? six6.Masquerade : null,
        }).ToImmutableArray();

        // Replies that die for some of the addresses the NAT may give only: no finding claims a maybe, but it is said.
        foreach (var (facts, family) in analysis.Networks.Select(f => (f, "")).Concat(analysis.V6?.Networks.Select(f => (f, "IPv6: ")) ?? []))
            if (facts.Replies.Uncertain is { } uncertain)
                notices.Add($"{family}{facts.Network.Name}: the replies of {(uncertain == "all" ? "every masqueraded connection out" : $"its masqueraded connections out {uncertain}")} die as they arrive {facts.Replies.UncertainWhy}: they may be one-way (uncertain, not claimed dropped)");

        var findings = checks.SelectMany(c => c.Run(context))
            .OrderByDescending(f => f.Severity).ThenBy(f => f.Code.Code, StringComparer.Ordinal)
            .ThenBy(f => string.Join(",", f.Networks), StringComparer.Ordinal).ThenBy(f => f.Message, StringComparer.Ordinal)
            .ToImmutableArray();
        var (real, intended) = PolicyIntentions.Split(context, findings);

        return new AuditReport(
            networks,
            analysis.Matrix,
            [.. analysis.Ports.Select(p => p.Report)],
            [.. analysis.Links.Select(l => l.Report).Distinct()],
            analysis.DockerUser,
            real,
            notices.ToImmutable())
        {
            ViewInferred = analysis.Inputs.ViewInferred,
            ContainersReachability = context.ContainerMatrix ? ContainerReach.Matrix(analysis) : null,
            ReachabilityV6 = analysis.V6?.Matrix,
            PublishedPortsV6 = analysis.V6 is { } v6Ports ? [.. v6Ports.Ports.Select(p => p.Report)] : null,
            LinksV6 = analysis.V6 is { } v6Links ? [.. v6Links.Links.Select(l => l.Report).Distinct()] : null,
            Intended = context.Policy is null ? null : intended,
            Overlay = overlay,
        };
    }

    /// <summary>
    /// Networks whose containers' traffic no fact of the report covers, named so that they do not
    /// vanish: macvlan, ipvlan and other drivers' networks, and the traffic between an overlay
    /// network's containers, which is switched in the overlay's own namespace (its VXLAN between the
    /// hosts is judged in the overlay section). Overlay networks are said apart when swarm is judged.
    /// </summary>
    private static string? UnjudgedNetworks(Docker.DockerView view, bool overlayJudged)
    {
        static string Named(IEnumerable<Docker.DockerNetwork> networks) => string.Join(", ", networks.OrderBy(n => n.Name, StringComparer.Ordinal)
            .Select(n => $"{n.Name} ({(n.Driver.Length == 0 ? "no driver" : n.Driver)})"));
        var other = view.Networks.Where(n => n.Driver is not ("bridge" or "host" or "null") && !(overlayJudged && n.Overlay is not null)).ToList();
        var overlays = overlayJudged ? view.Networks.Where(n => n.Overlay is not null).ToList() : [];
        var parts = new List<string>();
        if (other.Count > 0)
            parts.Add($"not judged: {Named(other)}: macvlan, ipvlan and other drivers' networks are not audited yet; no isolation, icc, masquerade, link or published-port fact of this report covers their containers' traffic");
        if (overlays.Count > 0)
            parts.Add($"overlay networks {Named(overlays)}: their VXLAN between the nodes (and for encrypted ones ESP and the drop of cleartext VXLAN) is judged in the overlay section; traffic between their containers is switched in each overlay's own namespace, which these rules do not see, and is not judged");
        return parts.Count == 0 ? null : string.Join("; ", parts);
    }
}
