using System.Collections.Immutable;
using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Core.Policy;

/// <summary>
/// Resolves a policy's names through the Docker view: names survive a daemon restart, bridges and
/// addresses do not, so rules are keyed to what the names mean now. A name that does not resolve is an
/// error at its position.
/// </summary>
public static class PolicyResolver
{
    public static ParseResult<ResolvedPolicy> Resolve(PolicyDocument document, DockerView view)
    {
        var errors = ImmutableArray.CreateBuilder<Diagnostic>();
        var bridges = view.Networks.Where(n => n.Bridge is not null).OrderBy(n => n.Name, StringComparer.Ordinal).ToImmutableArray();

        DockerNetwork? Network(PolicyName name)
        {
            var found = bridges.FirstOrDefault(n => n.Name == name.Text);
            if (found is null) errors.Add(PolicyMessages.UnknownNetwork(name.At, name.Text, bridges.Select(b => b.Name)));
            return found;
        }

        var exceptions = ImmutableArray.CreateBuilder<NetworkException>();
        var networks = ImmutableArray.CreateBuilder<NetworkPolicy>();
        var publishes = ImmutableArray.CreateBuilder<PublishPolicy>();
        var blockLines = new Dictionary<string, int>(StringComparer.Ordinal);
        DockerUserStatement? userDefault = null;

        foreach (var statement in document.Statements)
        {
            switch (statement)
            {
                case AllowStatement allow:
                    var (from, to) = (Network(allow.From), Network(allow.To));
                    if (from is null || to is null) break;
                    if (from.Id == to.Id) errors.Add(PolicyMessages.SameNetwork(allow.To.At, to.Name));
                    else exceptions.Add(new NetworkException(from, to, allow.Port) { At = allow.At });
                    break;

                case NetworkBlock block:
                    foreach (var repeated in block.RepeatedSettings) errors.Add(PolicyMessages.RepeatedSetting(repeated.At, block.Network.Text));
                    if (blockLines.TryGetValue(block.Network.Text, out var firstLine))
                        errors.Add(PolicyMessages.RepeatedNetwork(block.Network.At, block.Network.Text, firstLine));
                    blockLines.TryAdd(block.Network.Text, block.At.Line);
                    if (Network(block.Network) is { } network)
                        networks.Add(new NetworkPolicy(network, block.Icc?.On, block.Masquerade?.On, ContainerExceptions(block, network, view, errors))
                        {
                            At = block.Masquerade?.At ?? block.At,
                            IccAt = block.Icc?.At ?? block.At,
                        });
                    break;

                case PublishStatement publish:
                    if (Publish(publish, view, errors) is { } resolved) publishes.Add(resolved);
                    break;

                case DockerUserStatement user:
                    if (userDefault is not null) errors.Add(PolicyMessages.RepeatedDockerUser(user.At, userDefault.At.Line));
                    userDefault ??= user;
                    break;
            }
        }

        var members = bridges.SelectMany(b => MembersOf(b, view)).Where(m => m.Container.Running).ToImmutableArray();
        var policy = new ResolvedPolicy(document.File, bridges, exceptions.ToImmutable(), networks.ToImmutable(),
            publishes.ToImmutable(), userDefault?.Default ?? DockerUserDefault.Return)
        {
            Members = members,
            Links = PolicyLinks.Kept(document, members, errors),
            DockerUserAt = userDefault?.At ?? SourceSpan.None,
        };
        return new ParseResult<ResolvedPolicy>(errors.Count == 0 ? policy : null, errors.ToImmutable());
    }

    private static ImmutableArray<ContainerException> ContainerExceptions(
        NetworkBlock block, DockerNetwork network, DockerView view, ImmutableArray<Diagnostic>.Builder errors)
    {
        var members = MembersOf(network, view).ToList();

        ContainerOnNetwork? Member(PolicyName name)
        {
            var found = members.FirstOrDefault(m => m.Container.Name == name.Text);
            if (found is null)
                errors.Add(PolicyMessages.UnknownContainer(name.At, name.Text, network.Name, members.Select(m => m.Container.Name)));
            return found;
        }

        var result = ImmutableArray.CreateBuilder<ContainerException>();
        foreach (var allow in block.Allows)
        {
            var (from, to) = (Member(allow.From), Member(allow.To));
            if (from is not null && to is not null) result.Add(new ContainerException(from, to, allow.Port));
        }

        return result.ToImmutable();
    }

    /// <summary>The containers on a network with the IPv4 (and IPv6) address each has there, by name.</summary>
    public static IEnumerable<ContainerOnNetwork> MembersOf(DockerNetwork network, DockerView view) => view.Containers
        .Select(c => (Container: c, Endpoint: c.Endpoints.FirstOrDefault(e => e.Network == network.Name && e.Ipv4 is not null)))
        .Where(m => m.Endpoint is not null)
        .OrderBy(m => m.Container.Name, StringComparer.Ordinal)
        .Select(m => new ContainerOnNetwork(m.Container, network, m.Endpoint!.Ipv4!.Value) { AddressV6 = m.Endpoint.Ipv6 });

    private static PublishPolicy? Publish(PublishStatement publish, DockerView view, ImmutableArray<Diagnostic>.Builder errors)
    {
        var container = view.Containers.FirstOrDefault(c => c.Name == publish.Container.Text);
        if (container is null)
        {
            errors.Add(PolicyMessages.UnknownContainer(publish.Container.At, publish.Container.Text, null,
                view.Containers.Select(c => c.Name).Order(StringComparer.Ordinal)));
            return null;
        }

        var published = container.Ports.Where(p => p.HostPort is not null).ToList();
        var binding = published.FirstOrDefault(p =>
            p.Protocol == publish.Port.Protocol.Name && p.HostPort is { } port && publish.Port.Ports.Contains(port));
        if (binding is null)
        {
            errors.Add(PolicyMessages.UnpublishedPort(publish.At, container.Name, publish.Port.ToString(),
                published.Select(p => $"{p.Protocol}/{p.HostPort}").Distinct()));
            return null;
        }

        var addresses = container.Endpoints.Where(e => e.Ipv4 is not null).Select(e => e.Ipv4!.Value).ToImmutableArray();
        return new PublishPolicy(container, binding, addresses, publish.Restriction, publish.Addresses)
        {
            ContainerAddressesV6 = [.. container.Endpoints.Where(e => e.Ipv6 is not null).Select(e => e.Ipv6!.Value)],
            At = publish.At,
        };
    }
}
