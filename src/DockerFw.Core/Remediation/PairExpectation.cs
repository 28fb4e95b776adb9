using System.Collections.Immutable;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Semantics.Connections;

namespace DockerFw.Core.Remediation;

/// <summary>
/// What a policy says about new connections from one container to another: the protocols and ports
/// it allows (a null entry: everything), and what happens to every other packet between them. Where
/// the docker-user default is <c>return</c>, the rest is Docker's: icc inside a network (the policy's
/// setting, else Docker's), isolation between networks. A legacy link the policy keeps opens its ports
/// to the server and, from them, the server's packets to the client (<see cref="Links"/>).
/// </summary>
internal sealed record PairExpectation(ImmutableArray<PortSpec?> Allowed, Reachability Rest)
{
    /// <summary>Ports of kept links: destination ports to a server, or (<c>FromPort</c>) source ports of a server's packets to its client.</summary>
    public ImmutableArray<(PortSpec Port, bool FromPort)> Links { get; init; } = [];

    public bool AllowsEverything => Allowed.Any(p => p is null);

    public static PairExpectation Of(ResolvedPolicy policy, ContainerOnNetwork from, ContainerOnNetwork to)
    {
        var fallback = policy.DockerUserDefault switch
        {
            DockerUserDefault.Accept => (Reachability?)Reachability.Reachable,
            DockerUserDefault.Drop => Reachability.Blocked,
            _ => null,
        };

        if (from.Network.Id == to.Network.Id)
        {
            var network = policy.PolicyOf(from.Network);
            var pairs = network?.Exceptions.Where(e => e.From.Container.Id == from.Container.Id && e.To.Container.Id == to.Container.Id) ?? [];
            var icc = network?.Icc ?? from.Network.EnableIcc;
            return new([.. pairs.Select(p => p.Port)], fallback ?? (icc ? Reachability.Reachable : Reachability.Blocked))
            {
                Links = [.. policy.Links.Where(l => Is(l.Client, from) && Is(l.Server, to)).SelectMany(l => l.Ports.Select(p => (p, false)))
                    .Concat(policy.Links.Where(l => Is(l.Server, from) && Is(l.Client, to)).SelectMany(l => l.Ports.Select(p => (p, true))))],
            };
        }

        var exceptions = policy.Exceptions.Where(e => e.From.Id == from.Network.Id && e.To.Id == to.Network.Id);
        return new([.. exceptions.Select(e => e.Port)], fallback ?? Reachability.Blocked);
    }

    private static bool Is(ContainerOnNetwork a, ContainerOnNetwork b) => a.Container.Id == b.Container.Id && a.Network.Id == b.Network.Id;
}
