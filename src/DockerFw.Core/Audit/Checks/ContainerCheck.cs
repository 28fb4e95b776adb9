using DockerFw.Core.Audit.Analysis;

namespace DockerFw.Core.Audit.Checks;

/// <summary>
/// Containers whose network placement escapes the per-network picture: host network mode, a shared
/// namespace, several networks at once. Only the Engine's data shows these; an inferred view has none.
/// </summary>
public sealed class ContainerCheck : IAuditCheck
{
    public string Name => "container";

    public IEnumerable<Finding> Run(AuditContext context)
    {
        var inputs = context.Analysis().Inputs;
        if (inputs.ViewInferred) yield break;
        foreach (var c in inputs.View.Containers)
        {
            if (c.UsesHostNetwork)
                yield return Finding.Of(FindingCodes.HostNetworkMode,
                    $"{c.Name} runs in the host's network namespace: no network isolation applies to it and its ports are the host's, filtered by INPUT only. Give it a bridge network unless it needs the host's stack.",
                    containers: [c.Name]);
            if (c.SharesNamespaceWith is { } other)
            {
                var owner = inputs.View.ContainerByName(other)?.Name ?? other;
                yield return Finding.Of(FindingCodes.SharedNamespace,
                    $"{c.Name} shares the network namespace of {owner}: it has that container's addresses, networks and published ports. Make sure that is intended.",
                    containers: [c.Name, owner]);
            }

            var networks = c.Endpoints.Select(e => e.Network).Distinct().ToList();
            if (networks.Count > 1)
                yield return Finding.Of(FindingCodes.MultiNetwork,
                    $"{c.Name} is attached to {string.Join(", ", networks)}: it can reach containers of each and joins those networks through itself. Detach it from the networks it does not need.",
                    networks, [c.Name]);
        }
    }
}
