using System.Collections.Immutable;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Fleet;

/// <summary>What becomes of a cell's packets, or part of them.</summary>
public enum CellOutcome
{
    Reachable,
    Blocked,

    /// <summary>Some packets reach the peer's containers, the rest are blocked.</summary>
    Partial,

    /// <summary>The bundles cannot decide some packets (the reasons say why).</summary>
    Uncertain,
}

/// <summary>A rule of one host that decided part of a cell (or the route that did).</summary>
public sealed record Decision(string Host, LegStage? Stage, string Rule)
{
    /// <summary>Where the deciding rule is written in the host's IPv4 rules; null for a policy, a route or no rule.</summary>
    public ResponsibleRule? At { get; init; }
}

/// <summary>
/// Packets of a cell that meet one fate, with every decision on their way: for reachable packets the
/// rule that let them through on each host, for blocked ones the rule (or route) that stopped them.
/// </summary>
/// <param name="Nat">The sender's rule that rewrote their source on the way out, if any.</param>
public sealed record CellPart(CellOutcome Outcome, PacketSet Packets, ImmutableArray<Decision> Decisions, string? Nat, string? Reason)
{
    public string PacketsText => Packets.IsEmpty ? "nothing" : Remediation.ProofText.Packets(Packets, Neutral.Space);
}

/// <summary>
/// What a part of a cell says without its packets: enough to tell the cell's outcome, whether it is
/// masqueraded and which findings it raises (the last decision's stage, a NAT rule or none).
/// </summary>
public readonly record struct PartShape(CellOutcome Outcome, bool Decided, LegStage? LastStage, bool Nat)
{
    public static PartShape Of(CellPart part) =>
        new(part.Outcome, part.Decisions.Length > 0, part.Decisions.IsEmpty ? null : part.Decisions[^1].Stage, part.Nat is not null);
}

/// <summary>
/// One judged cell of the fleet matrix: its outcome over every packet of the cell (those that open a connection, <see cref="LegPackets"/>), and its parts.
/// A cell judged with others of its row (<see cref="RowJudge"/>) knows its outcome and its parts'
/// shapes at once and its parts only when they are read: of a row of 999 cells whose way leaves the
/// fleet, only the first of each group is printed.
/// </summary>
public sealed record FleetCell(CellSpec Spec, CellOutcome Outcome, ImmutableArray<CellPart> Parts)
{
    private ImmutableArray<CellPart> _parts = Parts;
    private readonly Func<ImmutableArray<CellPart>>? _later;
    private ImmutableArray<PartShape> _shapes;

    /// <param name="shapes">The shapes of the parts <paramref name="later"/> gives, in their order.</param>
    internal FleetCell(CellSpec spec, CellOutcome outcome, ImmutableArray<PartShape> shapes, Func<ImmutableArray<CellPart>> later)
        : this(spec, outcome, default(ImmutableArray<CellPart>))
    {
        (_shapes, _later) = (shapes, later);
    }

    public ImmutableArray<CellPart> Parts
    {
        get => _parts.IsDefault ? _parts = _later!() : _parts;
        init => (_parts, _shapes) = (value, default);
    }

    /// <summary>Each part's shape, in the order of <see cref="Parts"/>.</summary>
    public ImmutableArray<PartShape> Shapes => _shapes.IsDefault ? _shapes = [.. Parts.Select(PartShape.Of)] : _shapes;

    public string From => Spec.From;

    public string To => Spec.To;

    /// <summary>Some reachable packets arrive with the sender's address as their source, not the container's.</summary>
    public bool Masqueraded => Shapes.Any(p => p.Outcome == CellOutcome.Reachable && p.Nat);
}
