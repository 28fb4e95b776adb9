using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Semantics.Connections;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Policy.Judging;

/// <summary>
/// New connections from one of the policy's containers to another whose fate differs from the
/// policy's: what the rules do (null: rules the dump cannot decide), what the policy says, and the
/// engine's region that decided them, from which <c>audit --policy</c> names its evidence and the
/// plan's proof its rule. The packets are requests, also when their replies are what dies.
/// </summary>
internal sealed record PairVerdict(ContainerOnNetwork From, ContainerOnNetwork To, PacketSet Packets, Reachability? Actual, Reachability Expected)
{
    /// <summary>The region of the walk that decided, and the walk (its doubts); null when no rule decides at all.</summary>
    public (ReachRegion Region, ReachResult Result)? DecidedIn { get; init; }

    /// <summary>The requests pass but their replies do not come back.</summary>
    public bool Reply { get; init; }

    /// <summary>
    /// Set when IPv6 neighbour discovery between the two, not the pair's own packets, decided (dropped,
    /// or unsure): <see cref="DecidedIn"/> is then a region of its walk.
    /// </summary>
    public NeighbourFate? Neighbours { get; init; }

    /// <summary>Why the rules do not decide at all, when they do not (frames switched inside a bridge iptables never sees).</summary>
    public string? Why { get; init; }
}
