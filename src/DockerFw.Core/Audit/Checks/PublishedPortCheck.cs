using DockerFw.Core.Audit.Analysis;

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
    }
}
