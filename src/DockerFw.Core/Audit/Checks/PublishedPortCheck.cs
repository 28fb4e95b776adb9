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
/// </summary>
public sealed class PublishedPortCheck : IAuditCheck
{
    public string Name => "published-port";

    public IEnumerable<Finding> Run(AuditContext context)
    {
        var analysis = context.Analysis();
        foreach (var port in analysis.Ports)
        {
            var r = port.Report;
            var what = $"{r.Protocol}/{r.HostPort} on {r.HostIp} (to {r.ContainerIp}:{r.ContainerPort})";
            var networks = port.Network is null ? Array.Empty<string>() : [port.Network.Name];
            var containers = analysis.Inputs.ViewInferred ? Array.Empty<string>() : [port.Container.Name];
            if (r.FilterAccepts == false)
                yield return Finding.Of(FindingCodes.PublishedPortBlocked,
                    $"published port {what} is NATed to the container but the filter drops the forwarded packet: the port is dead. Restore Docker's FORWARD rules (restart dockerd) or remove the rule that drops it (evidence).",
                    networks, containers, port.FilterEvidence);
            if (port.Reachable == true && port.InputBlocks == true && !port.BoundToLoopback)
                yield return Finding.Of(FindingCodes.PublishedPortBypassesInput,
                    $"published port {what} is reachable from outside although INPUT blocks that port on the host: DNAT sends it through FORWARD, past the host firewall (the \"Docker bypasses ufw\" case). Publish it on 127.0.0.1, or filter it in DOCKER-USER.",
                    networks, containers, [.. port.InputEvidence, .. port.Path]);
            if (port.Reachable == true && port.BoundToAnyAddress)
                yield return Finding.Of(FindingCodes.PublishedOnAllAddresses,
                    $"port {what} is published on every host address, so any network the host is on can reach it. Bind it to one address (-p HOST_IP:{r.HostPort}:{r.ContainerPort}) if it is not meant to be public.",
                    networks, containers, port.Path);
            if (port.BoundToLoopback && port.Reachable == true)
                yield return Finding.Of(FindingCodes.LoopbackPortReachable,
                    $"port {what} is bound to loopback, but a host on the same network that routes 127.0.0.1 (or the container address) through this one reaches it: nothing drops such packets arriving on other interfaces (Docker 28 adds a raw PREROUTING drop). Upgrade Docker or add -t raw -A PREROUTING -d 127.0.0.1 ! -i lo -p {r.Protocol} --dport {r.HostPort} -j DROP.",
                    networks, containers, port.Path);
        }
    
        foreach (var finding in DnatsWithoutContainer(analysis)) yield return finding;
    }

    /// <summary>
    /// The DNAT rules new connections from outside meet (a symbolic pass over the nat table), whose
    /// target no container has. Only with the Engine's data: an inferred view takes its containers
    /// from those very rules.
    /// </summary>
    private static IEnumerable<Finding> DnatsWithoutContainer(AuditAnalysis analysis)
    {
        var inputs = analysis.Inputs;
        if (inputs.ViewInferred) yield break;
        var nat = SymbolicRuleset.Compile(inputs.NatOnly,
            inputs.Networks.Select(n => new InterfacePattern(n.Bridge)).Append(new InterfacePattern(HostModel.Uplink)), inputs.HostModel.LocalAddresses);
        var query = new ReachQuery(PacketPath.Forward) { In = new InterfacePattern(HostModel.Uplink), State = ConntrackStates.New };
        var dnats = SymbolicEngine.Reach(nat, query).Regions.SelectMany(r => r.Rules).Distinct()
            .Select(r => (Rule: r, Target: EvidenceOf.Source(inputs.Ruleset, r)?.Target as DnatTarget))
            .Where(d => d.Target?.To?.First is { } to && inputs.ContainerAt(to) is null);
        foreach (var (rule, target) in dnats)
        {
            var to = IpAddressValue.Format(target!.To!.First!.Value, IpFamily.V4);
            var network = inputs.NetworkOfAddress(target.To.First!.Value);
            yield return Finding.Of(FindingCodes.DnatWithoutContainer,
                $"a DNAT rule forwards connections to {to}, which no container has: a stale port mapping, which a new container given that address would inherit. Remove the rule (evidence) or restart dockerd.",
                network is null ? null : [network.Name], evidence: [EvidenceOf.Rule(inputs.Ruleset, rule, "forwards to a missing container")]);
        }
    }
}
