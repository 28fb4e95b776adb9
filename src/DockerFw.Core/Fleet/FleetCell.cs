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

/// <summary>One judged cell of the fleet matrix: its outcome over every NEW packet of the cell, and its parts.</summary>
public sealed record FleetCell(CellSpec Spec, CellOutcome Outcome, ImmutableArray<CellPart> Parts)
{
    public string From => Spec.From;

    public string To => Spec.To;

    /// <summary>Some reachable packets arrive with the sender's address as their source, not the container's.</summary>
    public bool Masqueraded => Parts.Any(p => p.Outcome == CellOutcome.Reachable && p.Nat is not null);
}
