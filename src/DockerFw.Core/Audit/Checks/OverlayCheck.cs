using DockerFw.Core.Audit.Analysis;

namespace DockerFw.Core.Audit.Checks;

/// <summary>
/// Swarm mode on this host (<see cref="OverlayFacts"/>): the ports the nodes need between them, ESP
/// and Docker's drop of cleartext VXLAN for encrypted networks, the routing mesh's service ports, and
/// docker_gwbridge's icc against Docker's intent (off). A claim the engine cannot decide is said so
/// (DFW255), with the rules and why, never guessed.
/// </summary>
public sealed class OverlayCheck : IAuditCheck
{
    public string Name => "overlay";

    public IEnumerable<Finding> Run(AuditContext context)
    {
        if (OverlayFacts.Of(context) is not { } overlay) yield break;
        foreach (var port in overlay.Ports)
        {
            var what = port.Port is { } number ? $"{port.Protocol}/{number}" : port.Protocol.ToUpperInvariant();
            var way = port.Direction == "in" ? "from the other nodes to this one" : "from this node to the others";
            var network = port.Network is null ? "" : $" for overlay network {port.Network}";
            var who = port.BlockedPeers is null ? "" : $" (blocked for {port.BlockedPeers})";
            var networks = port.Network is null ? [] : new[] { port.Network };
            switch (port.Verdict)
            {
                case "blocked" or "partial" when port.Protocol == "esp":
                    yield return Finding.Of(FindingCodes.EspBlocked,
                        $"IPsec ESP {way} is {port.Verdict}{who}: encrypted overlay networks carry their VXLAN in ESP, so their containers cannot reach the other nodes'. Allow ESP (-p esp, IP protocol 50) between the nodes in {Chain(port)}.",
                        networks, evidence: port.DecidedBy);
                    break;
                case "blocked" or "partial":
                    yield return Finding.Of(FindingCodes.SwarmPortBlocked,
                        $"swarm's {port.Purpose} port {what}{network} {way} is {port.Verdict}{who}. Allow it between the nodes in {Chain(port)} (evidence: the blocking rules).",
                        networks, evidence: port.DecidedBy);
                    break;
                case "uncertain":
                    yield return Undecided($"whether swarm's {port.Purpose} port {what}{network} passes {way}", port.Doubts, networks, port.DecidedBy);
                    break;
            }
        }

        foreach (var network in overlay.Networks.Where(n => n.Encrypted))
        {
            if (network.CleartextDropped == false)
                yield return Finding.Of(FindingCodes.CleartextVxlanAccepted,
                    $"{network.Name} is encrypted, but cleartext VXLAN datagrams to its VNI ({string.Join(", ", network.Vnis)}) are accepted on the way in: anyone who can send UDP to the node injects packets into the network unencrypted. Docker drops them with its INPUT rule '-m policy --dir in --pol none ... -m u32 ... -j DROP'; put it back before the accepting rule (evidence), e.g. by restarting dockerd, and keep your own VXLAN rules after it.",
                    [network.Name], evidence: network.DecidedBy);
            else if (network.CleartextDropped is null)
                yield return Undecided($"whether cleartext VXLAN to encrypted network {network.Name} is dropped", network.Doubts, [network.Name], network.DecidedBy);
        }

        foreach (var port in overlay.IngressPorts.Where(p => p.Verdict is "blocked" or "partial"))
            yield return Finding.Of(FindingCodes.IngressPortBlocked,
                $"the routing mesh publishes {port.Protocol}/{port.Ports} (DNAT to the ingress sandbox {port.To}), but the filter {(port.Verdict == "blocked" ? "keeps every new connection from outside out" : $"keeps some new connections from outside out{Clients(port.Partial)}")}. Remove the blocking rule (evidence) or unpublish the port.",
                evidence: port.DecidedBy);
        foreach (var port in overlay.IngressPorts.Where(p => p.Verdict == "uncertain"))
            yield return Undecided($"whether the routing mesh's {port.Protocol}/{port.Ports} gets in", [], [], port.DecidedBy);
        foreach (var finding in overlay.IngressPorts.SelectMany(Replies)) yield return finding;

        // Declared off and effective on is DFW301's (icc); this is a docker_gwbridge made with icc on.
        if (overlay.Gwbridge is { Declared: true } gw && gw.Effective.Effective != false)
            yield return Finding.Of(FindingCodes.GwbridgeIccOn,
                $"containers on {OverlayFacts.Gwbridge} {(gw.Effective.Effective == true ? "reach each other" : "may reach each other (some flows)")}: Docker creates it with icc off, since swarm tasks of unrelated services share it only to leave the cluster. Re-create it with -o com.docker.network.bridge.enable_icc=false (before joining the swarm), or drop traffic within it.",
                [OverlayFacts.Gwbridge]);
    }

    /// <summary>
    /// The connections get in but the ingress sandbox's replies die on their way out (a DOCKER-USER drop
    /// of ESTABLISHED packets from docker_gwbridge, a raw drop): DFW253, as DFW511 says it of a
    /// published port's. Replies that only may die (a multipath route) are no drop: the report's
    /// <c>replies_uncertain</c> says them with why, as a published port's.
    /// </summary>
    private static IEnumerable<Finding> Replies(IngressPortReport port)
    {
        var what = $"the routing mesh publishes {port.Protocol}/{port.Ports} (DNAT to the ingress sandbox {port.To}) and the filter lets the connections in";
        if (port.RepliesDropped is { } dropped)
            yield return Finding.Of(FindingCodes.IngressPortBlocked,
                dropped == "all"
                    ? $"{what}, but drops every reply from the sandbox (in on {OverlayFacts.Gwbridge}): no connection completes (one-way; datagrams still reach it). Remove the rule that drops the replies (evidence), or accept them before it (-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT)."
                    : $"{what}, but drops the sandbox's replies to the connections {dropped}: those are one-way. If that is not intended, remove the rule that drops the replies (evidence).",
                evidence: port.RepliesDroppedBy);
        if (port.RepliesUnrouted is { } unrouted)
            yield return Finding.Of(FindingCodes.IngressPortBlocked,
                $"{what}, but the host has no route back to {(unrouted == "all" ? "any of their clients" : $"the clients of the connections {unrouted}")}: "
                    + $"{string.Join("; ", port.UnroutedWhy)}, so their replies are never sent and those connections never complete. If they are meant to reach the port, add a route to them.");
    }

    /// <summary>Who gets in to a partial service port, in the published ports' words (<see cref="PublishedPortCheck.Clients"/>).</summary>
    private static string Clients(PortClients? clients) =>
        clients is null ? "" : $": it lets them in {(clients.KeptOut is null ? "only " : "")}{PublishedPortCheck.Clients(clients)}";

    private static string Chain(SwarmPortReport port) => port.Direction == "in" ? "INPUT (and OUTPUT for the replies)" : "OUTPUT (and INPUT for the replies)";

    private static Finding Undecided(string what, IEnumerable<string> doubts, IEnumerable<string> networks, IEnumerable<Evidence> evidence) =>
        Finding.Of(FindingCodes.OverlayUndecided,
            $"{what} depends on rules the engine cannot decide ({string.Join("; ", doubts.DefaultIfEmpty("undecidable matches"))}); check them by hand.",
            networks, evidence: evidence);
}
