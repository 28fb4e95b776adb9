using DockerFw.Cli.Output;
using System.CommandLine;
using DockerFw.Cli.Input;
using DockerFw.Core.Remediation;
using DockerFw.Core.Snapshot;

namespace DockerFw.Cli.Commands;

/// <summary>
/// `dockerfw snapshot`: the host's rules and Docker view in a normalized, stable form for CI.
/// With <c>--check FILE</c> it compares instead: exit 0 when equal, 1 with a unified diff when the host drifted.
/// </summary>
internal sealed class SnapshotCommand(HostLoader loader, StandardStreams streams) : ICliCommand
{
    public Command Create()
    {
        var input = new InputOptionSet();
        var check = new Option<string?>("--check") { Description = "Compare with this approved snapshot: exit 1 and show the diff on drift", HelpName = "FILE" };
        var command = new Command("snapshot", "Print a normalized snapshot of the host's firewall and Docker view, or check the host against one") { check };
        input.AddTo(command);
        input.AddEngineTo(command);
        command.SetAction(parsed => Run(input.Bind(parsed), parsed.GetValue(check)));
        return command;
    }

    private int Run(InputOptions input, string? approvedFile)
    {
        var problems = input.Validate();
        if (!problems.IsEmpty) return Usage.Fail(streams.Error, problems);

        var loaded = loader.Load(input);
        if (!LoadedHostReport.Write(loaded, streams.Error)) return ExitCodes.Error;

        // The rules as iptables-save shows them: the snapshot is compared with iptables-save's output.
        var snapshot = HostSnapshot.Of(loaded.Iptables, loaded.Docker);
        if (approvedFile is null)
        {
            streams.Out.Write(Printable.ForTerminal(snapshot, streams));
            return ExitCodes.Ok;
        }

        string approved;
        try
        {
            approved = BoundedRead.Text(approvedFile, InputLimits.Snapshot, "a snapshot").ReplaceLineEndings("\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            streams.Error.WriteLine($"dockerfw: error: cannot read {approvedFile}: {e.Message}");
            return ExitCodes.Error;
        }

        if (approved == snapshot)
        {
            streams.Out.WriteLine($"dockerfw: the host matches {approvedFile}");
            return ExitCodes.Ok;
        }

        streams.Out.WriteLine($"dockerfw: the host drifted from {approvedFile} (- approved, + now):");
        streams.Out.Write(Printable.Of(UnifiedDiff.Of(approved, snapshot, "snapshot")));
        return ExitCodes.Findings;
    }
}
