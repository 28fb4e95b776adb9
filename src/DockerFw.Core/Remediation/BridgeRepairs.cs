using System.Collections.Immutable;
using DockerFw.Core.Docker;
using DockerFw.Core.Policy;

namespace DockerFw.Core.Remediation;

/// <summary>
/// The bridge pairs (from, to; the same bridge twice for traffic inside it) where the host's rules let
/// new connections through that the policy blocks: what the plan must drop because Docker's own rules
/// no longer do (<see cref="PlanProof.Prove"/> finds them, <see cref="PolicyRules"/> writes the drops).
/// And the bridges whose IPv6 neighbour discovery the host's rules drop (ufw's FORWARD, oracle F26)
/// where the policy lets containers connect: the plan accepts it there, first, as it does in a bridge
/// it drops in itself.
/// </summary>
internal sealed record BridgeRepairs(ImmutableSortedSet<(string From, string To)> Pairs)
{
    /// <summary>Bridges whose neighbour discovery the plan must accept.</summary>
    public ImmutableSortedSet<string> Neighbours { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);

    private static readonly Comparer<(string From, string To)> Ordinal = Comparer<(string From, string To)>.Create((a, b) =>
        string.CompareOrdinal(a.From, b.From) is var c and not 0 ? c : string.CompareOrdinal(a.To, b.To));

    public static BridgeRepairs None { get; } = new(ImmutableSortedSet<(string From, string To)>.Empty.WithComparer(Ordinal));

    public static BridgeRepairs Of(IEnumerable<(string From, string To)> pairs) => new(pairs.ToImmutableSortedSet(Ordinal));

    public bool IsEmpty => Pairs.IsEmpty && Neighbours.IsEmpty;

    public bool Inside(string? bridge) => bridge is not null && Pairs.Contains((bridge, bridge));

    /// <summary>Whether the plan accepts IPv6 neighbour discovery inside the bridge although it drops nothing there.</summary>
    public bool FindsNeighbours(string? bridge) => bridge is not null && Neighbours.Contains(bridge);

    /// <summary>
    /// The pairs to drop in one family's plan: both bridges in it (<paramref name="has"/>), and not a
    /// bridge the policy's own <c>icc off</c> already drops inside.
    /// </summary>
    public IEnumerable<(string From, string To)> Drops(ResolvedPolicy policy, Func<DockerNetwork, bool> has)
    {
        var bridges = policy.Bridges.Where(has).Select(b => b.Bridge).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return Pairs.Where(p => bridges.Contains(p.From) && bridges.Contains(p.To)
            && !(p.From == p.To && policy.Networks.Any(n => n.Network.Bridge == p.From && n.Icc == false && n.Network.EnableIcc)));
    }
}
