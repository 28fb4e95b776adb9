using DockerFw.Core.Docker;
using DockerFw.Core.Model;

namespace DockerFw.Core.Host;

/// <summary>
/// Completes Docker's view one way for every command: what the Engine or the files said, with the
/// networks inferred from the rules when they named containers only (<c>docker inspect</c> alone:
/// without networks every bridge would look foreign), or the whole view inferred when they said nothing.
/// </summary>
public static class DockerViewCompletion
{
    public const string NetworksInferredNotice =
        "the Docker JSON describes containers but no networks: networks inferred from the ruleset and named after their bridges (add the JSON of 'docker network inspect $(docker network ls -q)')";

    /// <param name="given">What the Engine or the files said; null when nothing was asked.</param>
    /// <param name="v4">The IPv4 rules as the kernel runs them (native tables merged: Docker 29's nftables backend writes its own table).</param>
    public static (DockerView View, DockerViewOrigin Origin, bool NetworksInferred) Complete(DockerView? given, DockerViewOrigin givenOrigin, Ruleset v4)
    {
        if (given is null || given.Networks.IsEmpty && given.Containers.IsEmpty)
            // docker info alone (the swarm state) names no network: the rules do, the swarm state stays.
            return (DockerViewInference.Infer(v4) with { Swarm = given?.Swarm }, DockerViewOrigin.Rules, false);
        if (given.Networks.IsEmpty)
        {
            var inferred = DockerViewInference.Infer(v4);
            return (given with { Networks = inferred.Networks, InferenceDoubts = inferred.InferenceDoubts }, givenOrigin, true);
        }

        return (given, givenOrigin, false);
    }
}
