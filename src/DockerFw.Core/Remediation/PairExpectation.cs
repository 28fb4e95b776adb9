using System.Collections.Immutable;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Semantics.Connections;

namespace DockerFw.Core.Remediation;

/// <summary>
/// What a policy says about new connections from one container to another: the protocols and ports
/// it allows (a null entry: everything), and what happens to every other packet between them. Where
/// the docker-user default is <c>return</c>, the rest is Docker's: icc inside a network (the policy's
/// setting, else Docker's), isolation between networks.
/// </summary>
internal sealed record PairExpectation(ImmutableArray<PortSpec?> Allowed, Reachability Rest)
{
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
            return new([.. pairs.Select(p => p.Port)], fallback ?? (icc ? Reachability.Reachable : Reachability.Blocked));
        }

        var exceptions = policy.Exceptions.Where(e => e.From.Id == from.Network.Id && e.To.Id == to.Network.Id);
        return new([.. exceptions.Select(e => e.Port)], fallback ?? Reachability.Blocked);
    }
}
