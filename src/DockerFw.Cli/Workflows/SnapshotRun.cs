using System.Collections.Immutable;

namespace DockerFw.Cli.Workflows;

/// <summary>
/// One <c>dockerfw snapshot</c>: the host's normalized snapshot, and with <c>--check</c> how it
/// compares with the approved one (<see cref="Check"/>; null when none was given).
/// </summary>
internal sealed record SnapshotRun(string Snapshot, SnapshotCheck? Check)
{
    /// <summary>The host drifted from the approved snapshot: exit 1.</summary>
    public bool Drifted => Check is { Diff: not null };
}

/// <summary>
/// The host against an approved snapshot: the unified diff (null when they are equal) and, for a
/// drift, what it changes in traffic (<see cref="DriftBehaviour"/>; null when no IPv4 rules were read).
/// </summary>
internal sealed record SnapshotCheck(string ApprovedFile, string? Diff, DriftBehaviour? Behaviour);

/// <summary>What a drift changes in traffic, or why that is not judged (<see cref="Unknown"/>).</summary>
internal sealed record DriftBehaviour(ImmutableArray<string> Changes, string? Unknown);
