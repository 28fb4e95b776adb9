using System.Collections.Immutable;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// Packets of a query that meet the same fate: the verdict, the packets (disjoint boxes in arrival
/// terms), the rules whose matches held on their way (in order, as a trace lists them), and the
/// rules the dump cannot decide that their way depends on. A region with doubts and a verdict other
/// than MAYBE has that verdict whichever way those rules go.
/// </summary>
public sealed record ReachRegion(
    ReachVerdict Verdict,
    PacketSet Packets,
    ImmutableArray<ResponsibleRule> Rules,
    ImmutableArray<ResponsibleRule> Doubts)
{
    /// <summary>
    /// Matches on the way left out of <see cref="Rules"/>, which lists the first
    /// <see cref="RegionBuilder.MaxRules"/>; 0 when the list is whole.
    /// </summary>
    public long RulesOmitted { get; init; }

    /// <summary>
    /// The virtual states (SNAT, DNAT) that NAT on the way gave the connections these packets open:
    /// conntrack sets a status bit when a nat rule changed the tuple (oracle F45), as the walk marks its
    /// flows. Regions are told apart by it, so a verdict-only walk, whose regions list no rules, keeps it.
    /// UNTRACKED where a NOTRACK on the way took the packets out of conntrack (oracle F61).
    /// </summary>
    public Model.Values.ConntrackStates Nat { get; init; }
}

/// <summary>The partition of a query by verdict: every packet of the query lies in exactly one region.</summary>
public sealed record ReachResult(
    PacketSpace Space,
    PacketPath Path,
    PacketSet Query,
    ImmutableArray<ReachRegion> Regions,
    IReadOnlyDictionary<ResponsibleRule, string> DoubtReasons)
{
    /// <summary>The region holding a packet, or null when the packet is outside the query.</summary>
    public ReachRegion? RegionOf(Packet packet)
    {
        var (point, mark) = Space.PointOf(packet);
        return Regions.FirstOrDefault(r => r.Packets.Contains(point, mark));
    }
}
