using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;

namespace DockerFw.Core.Docker;

/// <summary>
/// Which of Docker's iptables layouts wrote a filter table (../shared/docs/docker-rules.md §2-3): it
/// says in which chain each per-bridge rule is written, so a rule of Docker's shape in a chain that
/// layout leaves to the admin (FORWARD from 28.0.1 on) is no evidence of a bridge.
/// </summary>
internal enum DockerLayout
{
    /// <summary>17.06-27.x (and before): the per-bridge rules in FORWARD, isolation in stages 1 and 2.</summary>
    Classic,

    /// <summary>28.0.0: FORWARD tests the <c>docker-ext-bridges</c> ipset and holds <c>-i BR -j ACCEPT</c>.</summary>
    Ipset,

    /// <summary>28.0.1 on: FORWARD jumps to DOCKER-FORWARD, which holds the per-bridge rules and DOCKER-CT, DOCKER-BRIDGE.</summary>
    DockerForward,
}

internal static class DockerLayouts
{
    public static DockerLayout Of(Table? filter) =>
        filter?["DOCKER-FORWARD"] is not null ? DockerLayout.DockerForward
        : filter?["FORWARD"]?.Rules.Any(r => r.Matches.OfType<SetMatch>().Any(s => s.SetName.StartsWith("docker-ext-bridges", StringComparison.Ordinal))) == true
            ? DockerLayout.Ipset
            : DockerLayout.Classic;

    /// <summary>Where a bridge's outgoing and icc rules are (<c>-i BR ! -o BR</c>, <c>-i BR -o BR</c>, <c>-i BR</c>).</summary>
    public static string ForwardChain(this DockerLayout layout) => layout == DockerLayout.DockerForward ? "DOCKER-FORWARD" : "FORWARD";

    /// <summary>Where a bridge's replies are accepted (<c>-o BR --ctstate RELATED,ESTABLISHED</c>).</summary>
    public static string RepliesChain(this DockerLayout layout) => layout == DockerLayout.DockerForward ? "DOCKER-CT" : "FORWARD";

    /// <summary>Where a bridge's traffic is sent to DOCKER (<c>-o BR -j DOCKER</c>).</summary>
    public static string ToDockerChain(this DockerLayout layout) => layout == DockerLayout.DockerForward ? "DOCKER-BRIDGE" : "FORWARD";
}
