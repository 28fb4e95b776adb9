using System.Collections.Immutable;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Core.Policy;

/// <summary>
/// Which of Docker's legacy links a policy keeps. Docker opens a link (the server's exposed ports to
/// the client, and replies from them) on the default bridge for as long as the containers run, and
/// dockerfw does not plan against it: a network the policy does not mention keeps its links as Docker's
/// own intent, and a network block that mentions the network must keep each one with
/// <c>link CLIENT -> SERVER</c> (an error at the block says which one it leaves out).
/// </summary>
internal static class PolicyLinks
{
    public static ImmutableArray<KeptLink> Kept(PolicyDocument document, ImmutableArray<ContainerOnNetwork> members, ImmutableArray<Diagnostic>.Builder errors)
    {
        var blocks = document.Statements.OfType<NetworkBlock>().GroupBy(b => b.Network.Text, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var stated = new HashSet<(string Network, string Client, string Server)>();
        foreach (var block in blocks.Values)
        {
            foreach (var link in block.Links)
            {
                var onNetwork = members.Where(m => m.Network.Name == block.Network.Text).ToList();
                var client = Member(onNetwork, link.Client, block.Network.Text, errors);
                var server = Member(onNetwork, link.Server, block.Network.Text, errors);
                if (client is null || server is null) continue;
                if (!Links(client, server))
                    errors.Add(PolicyMessages.UndeclaredLink(link.At, client.Container.Name, server.Container.Name, block.Network.Text));
                stated.Add((block.Network.Text, client.Container.Name, server.Container.Name));
            }
        }

        var kept = ImmutableArray.CreateBuilder<KeptLink>();
        foreach (var client in members.Where(m => m.Network.IsDefaultBridge && !m.Container.Links.IsEmpty))
        {
            foreach (var server in members.Where(m => m.Network.Id == client.Network.Id && m != client && Links(client, m)))
            {
                var ports = server.Container.LinkPorts
                    .Select(p => Protocol.TryParse(p.Protocol, out var protocol) ? new PortSpec(protocol!, PortRange.Single(p.Port)) : null)
                    .OfType<PortSpec>().ToImmutableArray();
                var network = client.Network.Name;
                if (blocks.TryGetValue(network, out var block) && !stated.Contains((network, client.Container.Name, server.Container.Name)))
                {
                    errors.Add(PolicyMessages.LinkNotMentioned(block.At, network, client.Container.Name, server.Container.Name,
                        ports.IsEmpty ? "no exposed port" : string.Join(", ", ports)));
                    continue;
                }

                kept.Add(new KeptLink(client, server, ports));
            }
        }

        return kept.ToImmutable();
    }

    /// <summary>Whether Docker declares a link from <paramref name="client"/> to <paramref name="server"/> (<c>HostConfig.Links</c>, by name or id).</summary>
    private static bool Links(ContainerOnNetwork client, ContainerOnNetwork server) =>
        client.Container.Links.Any(l => l.Target == server.Container.Name || l.Target == server.Container.Id);

    private static ContainerOnNetwork? Member(List<ContainerOnNetwork> members, PolicyName name, string network, ImmutableArray<Diagnostic>.Builder errors)
    {
        var found = members.FirstOrDefault(m => m.Container.Name == name.Text);
        if (found is null) errors.Add(PolicyMessages.UnknownContainer(name.At, name.Text, network, members.Select(m => m.Container.Name)));
        return found;
    }
}
