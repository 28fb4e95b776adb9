using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Connections;

namespace DockerFw.Core.Audit.Checks;

/// <summary>
/// Under icc=false, each legacy link allows exactly the linked container's exposed ports, both ways;
/// openings for containers that no longer exist are stale. The openings are what the engine accepts
/// between two containers of a bridge whose containers otherwise cannot talk.
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
        var family = analysis.Inputs.Family;
        foreach (var link in analysis.Links)
        {
            var r = link.Report;
            var client = analysis.Inputs.ContainerAt(IpAddressValue.Parse(r.ClientIp, family));
            var server = analysis.Inputs.ContainerAt(IpAddressValue.Parse(r.ServerIp, family));
            var evidence = link.Rule is null ? Array.Empty<Evidence>() : [link.Rule];
            if (!analysis.Inputs.ViewInferred && (client is null || server is null))
            {
                yield return Finding.Of(FindingCodes.StaleLink,
                    $"{prefix}{r.Network} accepts {r.Protocol}/{r.Port} from {r.ClientIp} to {r.ServerIp}, but no container has {(client is null ? r.ClientIp : r.ServerIp)} any more: a stale link rule, which a new container given that address would inherit. Remove it (evidence) or restart dockerd.",
                    [r.Network], evidence: evidence);
                continue;
            }

            if (!analysis.Inputs.ViewInferred && !server!.ExposedPorts.Contains($"{r.Port}/{r.Protocol}"))
                yield return Finding.Of(FindingCodes.LinkMismatch,
                    $"{prefix}{r.Network} lets {client!.Name} reach {server.Name} on {r.Protocol}/{r.Port}, which {server.Name} does not expose. Remove the rule (evidence) or expose the port.",
                    [r.Network], [client.Name, server.Name], evidence);
            else if (!RepliesPass(analysis, link))
                yield return Finding.Of(FindingCodes.LinkMismatch,
                    $"{prefix}{r.Network} lets {r.ClientIp} open {r.Protocol}/{r.Port} to {r.ServerIp}, but the replies are dropped: the link works one way only. Restore the reverse rule Docker writes (--sport {r.Port}).",
                    [r.Network], [.. new[] { client?.Name, server?.Name }.OfType<string>()], evidence);
        }
    }

    private static bool RepliesPass(AuditAnalysis analysis, LinkFacts link)
    {
        var r = link.Report;
        var proto = Protocol.TryParse(r.Protocol, out var p) ? p!.Number : Protocol.Tcp;
        var family = analysis.Inputs.Family;
        var packet = new Packet(family, IpAddressValue.Parse(r.ClientIp, family), IpAddressValue.Parse(r.ServerIp, family),
            proto, 40000, r.Port, InInterface: link.Network.Bridge, OutInterface: link.Network.Bridge, PhysIn: "dfw-veth-a", PhysOut: "dfw-veth-b");
        var result = ConnectionEvaluator.Evaluate(analysis.Inputs.Ruleset, packet, PacketPath.Forward, analysis.Inputs.HostModel.Context(true));
        return result.Reachability != Reachability.OneWay;
    }
}
