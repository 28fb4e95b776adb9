using System.Collections.Immutable;
using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Host;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Remediation;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Checks;

/// <summary>
/// docker-proxy against the published port's own restriction: when the forwarded way (Docker's
/// DNAT, then FORWARD and DOCKER-USER) keeps some clients out of a port, and a docker-proxy of the
/// same port lets clients in through INPUT (IPv6 clients on <c>[::]</c>, other networks' containers
/// by the host's address) and reaches the container from the host, the restriction is bypassed:
/// DFW540. A port nothing restricts is Docker's intent whichever way it is reached, and a port a
/// policy restricts is judged by the policy (<see cref="ProxyConformance"/>).
/// </summary>
public sealed class ProxyCheck : IAuditCheck
{
    public string Name => "proxy";

    public IEnumerable<Finding> Run(AuditContext context)
    {
        var facts = ProxyFacts.Of(context);
        foreach (var finding in DeadReplies(context, facts)) yield return finding;
        foreach (var path in facts.Paths.Where(p => p.Delivered == true && p.Reaches.Any(r => r.Certain)))
        {
            var listener = path.Listener;
            if (context.Policy?.Publishes.Any(p => ProxyConformance.Serves(listener, p)) == true) continue;
            if (Restriction(listener, facts.Host) is not var (restriction, keptVia)) continue;
            var container = context.View.Containers.FirstOrDefault(c => c.Endpoints.Any(e =>
                (listener.Target!.Family == IpFamily.V4 ? e.Ipv4 : e.Ipv6) == listener.Target.Address));
            var reaches = path.Reaches.Where(r => r.Certain).ToList();
            var who = string.Join("; ", reaches.Select(r => r.From is null
                ? $"from outside, sources {PublishProof.Addresses(r.Sources, listener.Family)}{(r.Via is { } via ? $" via {via}" : "")}"
                : $"from {r.Who} to {HostAddressText.Of(r.Hosts, path.HostAddresses, listener.Family)}"));
            var name = container is null ? listener.Target!.ToString() : $"'{container.Name}'";
            yield return Finding.Of(FindingCodes.ProxyBypassesRestriction,
                $"{listener.Protocol}/{listener.HostPort} of {name} is restricted on its forwarded way{(keptVia is { } kv ? $" via {kv}" : "")} (the evidence's first rule keeps clients out), "
                + $"but docker-proxy also serves it on {listener.Endpoint}{facts.Known}: {who}. These connections reach the container through INPUT and the host's own connection, which FORWARD and DOCKER-USER never see. "
                + $"Restrict the port in INPUT as well ({Input(listener)}), or run dockerd with \"userland-proxy\": false.",
                reaches.Select(r => r.From?.Name).Append(path.TargetNetwork?.Name).OfType<string>().Distinct().Order(StringComparer.Ordinal),
                container is null ? [] : [container.Name],
                [restriction, .. reaches.SelectMany(r => r.Evidence), .. path.DeliveryEvidence]);
        }
    }

    /// <summary>
    /// docker-proxy's replies that OUTPUT drops (<see cref="ProxyReach.RepliesDying"/>): the same finding
    /// as a forwarded port's dead replies (DFW511), for the connections the proxy serves.
    /// </summary>
    private static IEnumerable<Finding> DeadReplies(AuditContext context, ProxyFacts facts)
    {
        foreach (var path in facts.Paths.Where(p => p.MayDeliver))
        {
            var listener = path.Listener;
            var container = listener.Target is { } target
                ? context.View.Containers.FirstOrDefault(c => c.Endpoints.Any(e => (target.Family == IpFamily.V4 ? e.Ipv4 : e.Ipv6) == target.Address))
                : null;
            var space = facts.Host.Of(listener.Family)?.Rules.Space;
            foreach (var reach in path.Reaches.Where(r => r.Certain && !r.RepliesDying.IsEmpty))
            {
                var some = reach.RepliesDying.SameAs(reach.Packets) ? null : PortClientsOf.Connections(reach.RepliesDying, reach.Packets, space!);
                yield return Finding.Of(FindingCodes.PublishedPortBlocked,
                    $"published port {listener.Protocol}/{listener.HostPort} of {(container is null ? listener.Target?.ToString() ?? listener.Endpoint : $"'{container.Name}'")} is served by docker-proxy on {listener.Endpoint}{facts.Known}, "
                    + $"and INPUT lets its connections {(reach.From is null ? "from outside" : $"from {reach.Who}")} in, but OUTPUT drops "
                    + (some is null ? "every reply of docker-proxy to them: none completes (one-way). " : $"docker-proxy's replies to the connections {some}: those are one-way. ")
                    + "If that is not intended, remove the rule that drops the replies (evidence), or accept them before it (-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT in OUTPUT).",
                    reach.From is null ? (path.TargetNetwork is null ? [] : [path.TargetNetwork.Name]) : new[] { reach.From.Name, path.TargetNetwork?.Name }.OfType<string>().Distinct(),
                    container is null ? [] : [container.Name], reach.ReplyEvidence);
            }
        }
    }

    /// <summary>
    /// The rule that keeps some NEW connections from outside to the port out of the container on the
    /// forwarded way (after Docker's DNAT to the proxy's target, in the target's family), and the input
    /// interfaces of the connections kept out when they are not every one (Docker's recipe on eth0:
    /// oracle F41, asked in on every interface that is no bridge and not loopback); null when every
    /// one gets in or the way cannot be followed.
    /// </summary>
    private static (Evidence Rule, string? Via)? Restriction(ProxyListener listener, ProxyHost host)
    {
        if (listener.Target is not { } target || host.Of(target.Family) is not { } compiled) return null;
        var (rules, model, networks) = compiled;
        if (networks.FirstOrDefault(n => n.Subnet?.Contains(target.Address) == true) is not { } network) return null;
        // A listener on every address: every address the host may have (not the uplink's alone, which
        // a restriction to other host addresses never meets); loopback never comes in from outside.
        var loopback = IntervalSet.Loopback(target.Family);
        var bound = listener.Family == target.Family && !listener.OnEveryAddress
            ? IntervalSet.Single(listener.HostAddress)
            : model.LocalAddresses.Subtract(loopback);
        var query = new ReachQuery(PacketPath.Forward)
        {
            Out = new InterfacePattern(network.Bridge),
            Protocol = Protocol.TryParse(listener.Protocol, out var p) ? p! : new Protocol(Protocol.Tcp, "tcp"),
            State = ConntrackStates.New,
            Opening = true,
        };
        var outside = host.OutsideIn(rules.Space);
        var packets = query.ToPacketSet(rules.Space).Intersect(rules.Space.Whole()
            .With(Dimension.In, outside).With(Dimension.Dst, bound).With(Dimension.Dport, IntervalSet.Single((UInt128)listener.HostPort)));
        var result = SymbolicEngine.Reach(rules, PacketPath.Forward, packets);
        // Only when Docker's DNAT does send some of them to the container is the port published that way at all.
        if (!result.Regions.Any(r => r.Verdict == ReachVerdict.Accept && PublishProof.DnatsTo(r, rules.Source, target.Address))) return null;
        var blocked = result.Regions.Where(r => r.Verdict is ReachVerdict.Drop or ReachVerdict.Reject && !r.Packets.IsEmpty).ToList();
        if (blocked.Count == 0 || EvidenceOf.Deciding(blocked[0]) is not { } rule) return null;
        var via = ProxyPath.Via(blocked.Aggregate(PacketSet.Empty, (s, r) => s.Union(r.Packets)), outside, rules.Space);
        return (EvidenceOf.Rule(rules.Source, rule, "keeps clients out of the forwarded way"), via);
    }

    private static string Input(ProxyListener listener)
    {
        var tool = listener.Family == IpFamily.V4 ? "iptables" : "ip6tables";
        return $"{tool} -I INPUT -p {listener.Protocol} --dport {listener.HostPort} ! -i lo -j DROP, with ACCEPT rules inserted before it for the clients to keep";
    }
}
