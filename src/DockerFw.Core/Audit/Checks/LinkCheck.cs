using DockerFw.Core.Audit.Analysis;

namespace DockerFw.Core.Audit.Checks;

/// <summary>
/// Legacy links judged both ways against what Docker declares: each declared link opens exactly the
/// server's exposed ports to the client, and every opening with a link's shape is a declared link.
/// A declared link the rules block is broken (DFW530); an opening no declared link explains is
/// undeclared (DFW531), stale when a container is gone (DFW502), or on a port the server does not
/// expose (DFW501); an opening whose replies are dropped works one way only (DFW501).
/// </summary>
public sealed class LinkCheck : IAuditCheck
{
    public string Name => "link";

    public IEnumerable<Finding> Run(AuditContext context)
    {
        // ip6tables is judged on its own: an opening with a link's shape there is judged as one, whoever wrote it.
        foreach (var (analysis, prefix) in context.Analysis().Families)
            foreach (var finding in Judge(analysis, prefix)) yield return finding;
    }

    private static IEnumerable<Finding> Judge(AuditAnalysis analysis, string prefix)
    {
        foreach (var link in analysis.Links)
        {
            var r = link.Report;
            var names = new[] { r.Client, r.Server }.OfType<string>().ToArray();
            if (!analysis.Inputs.ViewInferred && (r.Client is null || r.Server is null || r.Declared == false || link.ServerExposes == false))
            {
                yield return Undeclared(link, prefix);
                continue;
            }

            if (r.Declared == true && link.Blocked)
                yield return Finding.Of(FindingCodes.DeclaredLinkBlocked, Blocked(link, prefix), [r.Network], names, [.. link.Blocking, .. link.Opening]);
            if (link.OneWay)
                yield return Finding.Of(FindingCodes.LinkMismatch,
                    $"{prefix}{r.Network} lets {r.ClientIp} open {r.Protocol}/{r.Port} to {r.ServerIp}, but the replies are dropped: the link works one way only. Restore the reverse rule Docker writes (--sport {r.Port}).",
                    [r.Network], names, link.Opening);
            else if (link.OpeningOnly)
                yield return Finding.Of(FindingCodes.LinkMismatch,
                    $"{prefix}{r.Network} lets {r.ClientIp} open {r.Protocol}/{r.Port} to {r.ServerIp} and the replies come back, but the requests' later packets (ESTABLISHED: the handshake's ACK, the data) are dropped: the link carries no data. Accept them before the drop (-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT).",
                    [r.Network], names, link.Opening);
        }
    }

    private static Finding Undeclared(LinkFacts link, string prefix)
    {
        var r = link.Report;
        if (r.Client is null || r.Server is null)
            return Finding.Of(FindingCodes.StaleLink,
                $"{prefix}{r.Network} accepts {r.Protocol}/{r.Port} from {r.ClientIp} to {r.ServerIp}, but no container has {(r.Client is null ? r.ClientIp : r.ServerIp)} any more: a stale link rule, which a new container given that address would inherit. Remove it (evidence) or restart dockerd.",
                [r.Network], evidence: link.Opening);
        if (link.PairLinked != false)
            return Finding.Of(FindingCodes.LinkMismatch,
                $"{prefix}{r.Network} lets {r.Client} reach {r.Server} on {r.Protocol}/{r.Port}, which {r.Server} does not expose. Remove the rule (evidence) or expose the port.",
                [r.Network], [r.Client, r.Server], link.Opening);
        return Finding.Of(FindingCodes.UndeclaredLink,
            $"{prefix}{r.Network} lets {r.Client} ({r.ClientIp}) open {r.Protocol}/{r.Port} to {r.Server} ({r.ServerIp}), but Docker declares no link from {r.Client} to {r.Server}: an opening with a link's shape that no --link explains. Remove the rule (evidence), or link the containers (docker run --link {r.Server}) if {r.Client} needs {r.Server}.",
            [r.Network], [r.Client, r.Server], link.Opening);
    }

    private static string Blocked(LinkFacts link, string prefix)
    {
        var r = link.Report;
        var how = r.Open == false
            ? $"drops every new connection from {r.Client} ({r.ClientIp}) to {r.Server} ({r.ServerIp}) on {r.Protocol}/{r.Port}"
            : $"drops some new connections from {r.Client} ({r.ClientIp}) to {r.Server} ({r.ServerIp}) on {r.Protocol}/{r.Port}"
              + (link.SourcePorts is { } ports ? $": only those from source ports {ports} pass" : "");
        var reverse = r.Reverse == LinkReverse.SourcePort
            ? $" The reply rule is still there: {r.Server} can open connections to any port of {r.Client} from source port {r.Port}."
            : "";
        return $"{prefix}Docker links {r.Client} to {r.Server} (--link {r.Server}:{link.Alias}), which exposes {r.Protocol}/{r.Port}, but {r.Network} {how}: the link is broken.{reverse} "
            + $"Remove what drops it (evidence), or restore Docker's rule (-A DOCKER -s {r.ClientIp}/32 -d {r.ServerIp}/32 -i {link.Network.Bridge} -o {link.Network.Bridge} -p {r.Protocol} -m {r.Protocol} --dport {r.Port} -j ACCEPT; restarting {r.Client} writes it again).";
    }
}
