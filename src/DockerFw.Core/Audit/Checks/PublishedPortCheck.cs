using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Checks;

/// <summary>
/// Each published port has a container behind it and the filter lets it in; ports bound to every
/// address are reported; ports that INPUT (ufw, an admin's host firewall) blocks but that DNAT and
/// FORWARD let through are reported; 127.0.0.1-bound ports reachable from the LAN are reported.
/// Each family is judged in its own ruleset: IPv6 bindings (::, an IPv6 host address) in ip6tables.
/// </summary>
public sealed class PublishedPortCheck : IAuditCheck
{
    public string Name => "published-port";

    public IEnumerable<Finding> Run(AuditContext context)
    {
        // ip6tables publishes on its own: a port Docker forwards in IPv4 says nothing of IPv6.
        foreach (var (analysis, prefix) in context.Analysis().Families)
        {
            foreach (var finding in Ports(analysis, prefix, context.Proxies)) yield return finding;
            foreach (var finding in DnatsWithoutContainer(analysis, prefix)) yield return finding;
        }
    }

    /// <summary>What docker-proxy (the userland proxy) may still serve of the port, where it listens or may (read or assumed).</summary>
    private static string Proxied(Host.ProxyListeners proxies, PublishedPortReport r) =>
        !proxies.Listeners.Any(l => l.HostPort == r.HostPort && string.Equals(l.Protocol, r.Protocol, StringComparison.OrdinalIgnoreCase)) ? ""
        : $" (docker-proxy {(proxies.Origin == Host.ProxyOrigin.Read ? "listens" : "may listen (Docker's default, userland-proxy on)")} on the port: those to a host address it listens on reach it through INPUT, and it connects to the container from the host)";

    private static IEnumerable<Finding> Ports(AuditAnalysis analysis, string prefix, Host.ProxyListeners proxies)
    {
        foreach (var port in analysis.Ports)
        {
            var r = port.Report;
            var what = $"{r.Protocol}/{r.HostPort} on {r.HostIp} (to {PortFacts.Bracketed(r.ContainerIp)}:{r.ContainerPort})";
            var networks = port.Network is null ? Array.Empty<string>() : [port.Network.Name];
            var containers = analysis.Inputs.ViewInferred ? Array.Empty<string>() : [port.Container.Name];
            // Oracle F59: connections no DNAT sends to the container (an admin's nat RETURN, a REDIRECT, another
            // DNAT first) never meet the filter's answer; DFW511 speaks of NATed connections only.
            if (r.Nated is ReachabilityVerdict.Denied or ReachabilityVerdict.Partial && port.Reach is { } reach)
                yield return Finding.Of(FindingCodes.PublishedPortNotNated,
                    $"{prefix}published port {what}: {(r.Nated == ReachabilityVerdict.Denied ? "none of its connections is" : $"its connections {r.NotNated} are not")} NATed to the container: "
                        + (reach.TakenBy.IsEmpty ? "no DNAT of the nat table sends them there" : "the evidence's rule takes them first")
                        + $", so they never reach it by the forwarded way{Proxied(proxies, r)}. "
                        + "If the port is meant to be published, remove that rule or exclude the port from it.",
                    networks, containers, [.. reach.TakenBy.Select(t => EvidenceOf.Rule(analysis.Inputs.Ruleset, t, "takes the port's connections before Docker's DNAT") with { Family = analysis.Inputs.Family })]);
            // A host that forwards nothing (DFW604) keeps every port out before the filter is asked.
            if (r.FilterAccepts == false && r.Nated != ReachabilityVerdict.Denied && analysis.Inputs.HostModel.Forwards)
                yield return Finding.Of(FindingCodes.PublishedPortBlocked,
                    $"{prefix}published port {what} is NATed to the container but the filter drops the forwarded packet: the port is dead. Restore Docker's FORWARD rules (restart dockerd) or remove the rule that drops it (evidence).",
                    networks, containers, port.FilterEvidence);
            if (r.Partial is { } clients && analysis.Inputs.HostModel.Forwards)
                yield return Finding.Of(FindingCodes.PublishedPortBlocked,
                    $"{prefix}published port {what} is NATed to the container but the filter lets it in {(clients.KeptOut is null ? "only " : "")}{Clients(clients)}: {(clients.KeptOut is null ? "every other client is" : "those are")} dropped. If that is not intended, remove the rule that drops it (evidence).",
                    networks, containers, port.FilterEvidence);
            // The connections get in but the container's replies are dropped on their way out (oracle
            // F35: a FORWARD rule on its source address): no connection completes, datagrams still arrive.
            if (r.RepliesDropped is { } dropped && analysis.Inputs.HostModel.Forwards)
                yield return Finding.Of(FindingCodes.PublishedPortBlocked,
                    dropped == "all"
                        ? $"{prefix}published port {what} is NATed to the container and the filter lets the connections in, but drops every reply from the container: no connection completes (one-way; datagrams still reach it). Remove the rule that drops the replies (evidence), or accept the container's replies before it (-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT)."
                        : $"{prefix}published port {what} is NATed to the container and the filter lets the connections in, but drops the container's replies to the connections {dropped}: those are one-way. If that is not intended, remove the rule that drops the replies (evidence).",
                    networks, containers, port.Replies.Evidence);
            // The host has no route back to some clients (a table read whole, no default route): the
            // kernel never sends their replies, whatever the rules say. The reason is the routes, no rule: they are the evidence.
            if (r.RepliesUnrouted is { } unrouted && analysis.Inputs.HostModel.Forwards)
                yield return Finding.Of(FindingCodes.PublishedPortBlocked,
                    $"{prefix}published port {what} is NATed to the container and the filter lets the connections in, but the host has no route back to {(unrouted == "all" ? "any of their clients" : $"the clients of the connections {unrouted}")}: "
                        + $"{string.Join("; ", port.Replies.UnroutedWhy)}, so their replies are never sent and those connections never complete. If they are meant to reach the port, add a route to them.",
                    networks, containers, port.Replies.UnroutedEvidence);
            // The replies come back but the later packets die on their way in (oracle F38: an admin's
            // `--ctstate NEW -j ACCEPT` then a drop): the handshake completes, no data follows.
            if (r.LaterDropped is { } later && analysis.Inputs.HostModel.Forwards)
                yield return Finding.Of(FindingCodes.PublishedPortBlocked,
                    later == "all"
                        ? $"{prefix}published port {what} is NATed to the container and the filter lets the connections in and their replies out, but drops the requests' later packets (ESTABLISHED: the handshake's ACK, the data): no connection carries data. Remove the rule that drops them (evidence), or accept them before it (-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT)."
                        : $"{prefix}published port {what} is NATed to the container and the filter lets the connections in and their replies out, but drops the later packets (ESTABLISHED: the handshake's ACK, the data) of the connections {later}: those carry no data. If that is not intended, remove the rule that drops them (evidence).",
                    networks, containers, port.Replies.LaterEvidence);
            if (port.Reachable == true && port.InputBlocks == true && !port.BoundToLoopback)
                yield return Finding.Of(FindingCodes.PublishedPortBypassesInput,
                    $"{prefix}published port {what} is reachable from outside although INPUT blocks that port on the host: DNAT sends it through FORWARD, past the host firewall (the \"Docker bypasses ufw\" case). Publish it on {(port.Family == IpFamily.V4 ? "127.0.0.1" : "::1")}, or filter it in DOCKER-USER.",
                    networks, containers, [.. port.InputEvidence, .. port.Path]);
            if (port.Reachable == true && port.BoundToAnyAddress)
                yield return Finding.Of(FindingCodes.PublishedOnAllAddresses,
                    $"{prefix}port {what} is published on every host address, so any network the host is on can reach it. Bind it to one address (-p {(port.Family == IpFamily.V4 ? "HOST_IP" : "[HOST_IP]")}:{r.HostPort}:{r.ContainerPort}) if it is not meant to be public.",
                    networks, containers, port.Path);
            // The kernel drops IPv6 packets to ::1 that arrive on any other interface (RFC 4291 2.5.3):
            // IPv6 has no route_localnet, so only IPv4 loopback bindings leak.
            if (port.BoundToLoopback && port.Reachable == true && port.Family == IpFamily.V4)
                yield return Finding.Of(FindingCodes.LoopbackPortReachable,
                    $"port {what} is bound to loopback, but a host on the same network that routes 127.0.0.1 (or the container address) through this one reaches it{(r.Partial is { } some ? $" ({Clients(some)})" : "")}: nothing drops such packets arriving on other interfaces (Docker 28 adds a raw PREROUTING drop). Upgrade Docker or add -t raw -A PREROUTING -d 127.0.0.1 ! -i lo -p {r.Protocol} --dport {r.HostPort} -j DROP.",
                    networks, containers, port.Path);
        }
    }

    /// <summary>
    /// Where a partly open port gets in: <c>from 203.0.113.0/24 on any address of the host but
    /// 198.51.100.3</c>, then <c>except from ... on ...</c> for what those sides would claim and the filter drops.
    /// </summary>
    public static string Clients(PortClients clients)
    {
        var sides = string.Join(" ", new[]
        {
            clients.Sources is { } s ? $"from {s}" : null, clients.HostAddresses is { } h ? $"on {h}" : null,
            clients.Interfaces is { } i ? $"via {i}" : null,
        }.OfType<string>());
        var words = (sides, clients.KeptOut) switch
        {
            ("", { } kept) => $"except {kept}",
            (_, { } kept) => $"{sides}, except {kept}",
            _ => sides,
        };
        // The part that only may get in is said to be uncertain (oracle F58), never read as in or out.
        return clients.Uncertain is { } maybe ? $"{words}; only maybe {maybe}" : words;
    }

    /// <summary>
    /// The DNAT rules new connections from outside (in on any interface that is no bridge) meet (a symbolic pass over the nat table), whose
    /// target no container has. Only with the Engine's data: an inferred view takes its containers
    /// from those very rules.
    /// </summary>
    private static IEnumerable<Finding> DnatsWithoutContainer(AuditAnalysis analysis, string prefix)
    {
        var inputs = analysis.Inputs;
        if (inputs.ViewInferred) yield break;
        var nat = SymbolicRuleset.Compile(inputs.NatOnly,
            inputs.Networks.Select(n => new InterfacePattern(n.Bridge)).Append(new InterfacePattern(HostModel.Uplink)), inputs.HostModel.LocalAddresses,
            ipSets: inputs.HostModel.IpSets);
        // DNAT happens in PREROUTING, which both paths share; the input path spares the walk nat
        // POSTROUTING, where every network's masquerade rule would cut the packets by source and
        // output interface (N x N regions, most of the audit's time on a host with many networks).
        // In on every interface that is no bridge and not loopback (oracle F41): a DNAT on -i eth0 is met.
        var query = new ReachQuery(PacketPath.Input) { State = ConntrackStates.New }.ToPacketSet(nat.Space)
            .Intersect(nat.Space.Whole().With(Dimension.In, OutsideInterfaces.Of(nat.Space, inputs)));
        var dnats = SymbolicEngine.Reach(nat, PacketPath.Input, query).Regions.SelectMany(r => r.Rules).Distinct()
            .Select(r => (Rule: r, Target: EvidenceOf.Source(inputs.Ruleset, r)?.Target as DnatTarget))
            .Where(d => d.Target?.To?.First is { } to && inputs.ContainerAt(to) is null);
        foreach (var (rule, target) in dnats)
        {
            var to = IpAddressValue.Format(target!.To!.First!.Value, inputs.Family);
            var network = inputs.NetworkOfAddress(target.To.First!.Value);
            yield return Finding.Of(FindingCodes.DnatWithoutContainer,
                $"{prefix}a DNAT rule forwards connections to {to}, which no container has: a stale port mapping, which a new container given that address would inherit. Remove the rule (evidence) or restart dockerd.",
                network is null ? null : [network.Name], evidence: [EvidenceOf.Rule(inputs.Ruleset, rule, "forwards to a missing container")]);
        }
    }
}
