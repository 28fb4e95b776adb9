using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// What one verdict-only walk of the forward path refuses of the packets it was given: those it does
/// not surely accept (dropped, rejected, or only maybe accepted) and, among them, those it only may
/// accept. A packet's fate is one fact whatever box it was asked in, so a caller cuts its own boxes by
/// them (<see cref="AcceptedOf"/>, <see cref="MaybeOf"/>) instead of by the walk's accepted pieces: on
/// a Docker host almost nothing is refused, and a box is then its own accepted part, where the walk's
/// accepted pieces of a swarm node's replies were one per service port and rule (SymbolicPasses.Refused).
/// </summary>
public sealed record Refusals(IReadOnlyList<Box> NotAccepted, IReadOnlyList<Box> Maybe)
{
    public static readonly Refusals None = new([], []);

    /// <summary>The packets of a box the walk was asked about that it surely accepts.</summary>
    public IEnumerable<Box> AcceptedOf(Box asked)
    {
        var refused = NotAccepted.Where(b => b.Overlaps(asked)).ToList();
        return refused.Count == 0 ? [asked] : PacketSet.Of(asked).Subtract(refused).Boxes;
    }

    /// <summary>The packets of a set the walk was asked about that it does not surely accept.</summary>
    public PacketSet Within(PacketSet asked) => NotAccepted.Count == 0 ? PacketSet.Empty
        : new([.. asked.Boxes.SelectMany(a => NotAccepted.Select(b => b.Intersect(a)).OfType<Box>())]);

    /// <summary>The packets of a box the walk was asked about that it only may accept.</summary>
    public IEnumerable<Box> MaybeOf(Box asked) => Maybe.Select(b => b.Intersect(asked)).OfType<Box>();
}
