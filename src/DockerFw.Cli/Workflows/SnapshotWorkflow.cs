using DockerFw.Cli.Commands;
using DockerFw.Cli.Input;
using DockerFw.Cli.Output;
using DockerFw.Core.Host;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Remediation;
using DockerFw.Core.Snapshot;

namespace DockerFw.Cli.Workflows;

/// <summary>
/// <c>dockerfw snapshot</c>'s work once its options are bound and valid: load the host (one
/// <see cref="HostLoader"/> for every command) and normalize it; with <c>--check FILE</c>, compare
/// with the approved snapshot and judge what a drift changes in traffic (<see cref="BehaviourDrift"/>).
/// Problems go to stderr with the exit code; rendering is the formatter's (<see cref="IResultFormatter{TResult}"/>).
/// </summary>
internal sealed class SnapshotWorkflow(HostLoader loader, StandardStreams streams, RunProgress progress)
{
    /// <param name="approvedFile">The approved snapshot to compare with; null to print the host's.</param>
    public WorkflowOutcome<SnapshotRun> Run(InputOptions input, string? approvedFile)
    {
        var loaded = progress.Run(RunProgress.Reading, () => loader.Load(input));
        if (!LoadedHostReport.Write(loaded, streams.Error)) return WorkflowOutcome<SnapshotRun>.Failed(ExitCodes.Error);

        // The rules as iptables-save shows them: the snapshot is compared with iptables-save's output.
        var snapshot = HostSnapshot.Of(loaded.Iptables, loaded.Docker);
        if (approvedFile is null) return WorkflowOutcome<SnapshotRun>.Done(new SnapshotRun(snapshot, null));

        string approved;
        try
        {
            approved = BoundedRead.Text(approvedFile, InputLimits.Snapshot, "a snapshot").ReplaceLineEndings("\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            streams.Error.WriteLine($"dockerfw: error: cannot read {approvedFile}: {e.Message}");
            return WorkflowOutcome<SnapshotRun>.Failed(ExitCodes.Error);
        }

        if (approved == snapshot) return WorkflowOutcome<SnapshotRun>.Done(new SnapshotRun(snapshot, new SnapshotCheck(approvedFile, null, null)));
        return WorkflowOutcome<SnapshotRun>.Done(new SnapshotRun(snapshot,
            new SnapshotCheck(approvedFile, UnifiedDiff.Of(approved, snapshot, "snapshot"), Behaviour(approved, approvedFile, loaded))));
    }

    /// <summary>The traffic the drift changes between today's networks and containers (IPv4); null without IPv4 rules.</summary>
    private static DriftBehaviour? Behaviour(string approved, string approvedFile, LoadedHost loaded)
    {
        if (loaded.IptablesOf(IpFamily.V4) is not { } now) return null;
        var (changes, unknown) = BehaviourDrift.Compare(approved, approvedFile, now, loaded.Docker, loaded.Settings);
        return new DriftBehaviour(changes, unknown);
    }
}
