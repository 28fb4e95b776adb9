using System.Collections.Immutable;
using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// A legacy link as Docker declares it: <see cref="Client"/>'s <c>HostConfig.Links</c> names
/// <see cref="Server"/>, and Docker opens the server's exposed ports (<c>Config.ExposedPorts</c>) to
/// the client on the default bridge, with a reply rule from those ports back.
/// </summary>
public sealed record DeclaredLink(
    AuditedNetwork Network,
    DockerContainer Client,
    DockerContainer Server,
    string Alias,
    UInt128 ClientIp,
    UInt128 ServerIp,
    ImmutableArray<(string Protocol, int Port)> Ports)
{
    /// <summary>
    /// The links of one network. Docker writes link rules only on the default bridge (on a
    /// user-defined network <c>--link</c> is a DNS alias), only while both containers run there, and
    /// only in IPv4 (libnetwork's link code takes the endpoints' IPv4 addresses). None when Docker's
    /// view is inferred from the rules: nothing is declared then.
    /// </summary>
    public static IEnumerable<DeclaredLink> Of(AuditInputs inputs, AuditedNetwork n)
    {
        if (inputs.ViewInferred || n.Family != IpFamily.V4 || !n.Network.IsDefaultBridge) yield break;
        var containers = inputs.View.Containers;
        foreach (var client in containers.Where(c => c.Running && !c.Links.IsEmpty))
        {
            if (AddressOn(client, n) is not { } clientIp) continue;
            foreach (var link in client.Links)
            {
                var server = containers.FirstOrDefault(c => c.Name == link.Target || c.Id == link.Target);
                if (server is not { Running: true } || AddressOn(server, n) is not { } serverIp) continue;
                var ports = server.LinkPorts.ToImmutableArray();
                yield return new DeclaredLink(n, client, server, link.Alias, clientIp, serverIp, ports);
            }
        }
    }

    private static UInt128? AddressOn(DockerContainer c, AuditedNetwork n) =>
        c.Endpoints.FirstOrDefault(e => e.Network == n.Name || e.NetworkId == n.Network.Id)?.Ipv4;
}
