using DockerFw.Cli.Output;
using System.CommandLine;
using DockerFw.Cli.Input;
using DockerFw.Core.Remediation;
using DockerFw.Core.Host;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Snapshot;

namespace DockerFw.Cli.Commands;

/// <summary>
/// `dockerfw snapshot`: the host's rules and Docker view in a normalized, stable form for CI.
/// With <c>--check FILE</c> it compares instead: exit 0 when equal, 1 with a unified diff when the host
/// drifted, followed by what the drift changes in traffic (<see cref="BehaviourDrift"/>).
/// </summary>
internal sealed class SnapshotCommand(HostLoader loader, StandardStreams streams, RunProgress progress) : ICliCommand
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

        var loaded = progress.Run(RunProgress.Reading, () => loader.Load(input));
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
        WriteBehaviour(approved, approvedFile, loaded);
        return ExitCodes.Findings;
    }

    /// <summary>The traffic the drift changes between today's networks and containers (IPv4).</summary>
    private void WriteBehaviour(string approved, string approvedFile, LoadedHost loaded)
    {
        if (loaded.IptablesOf(IpFamily.V4) is not { } now) return;
        var (changes, unknown) = BehaviourDrift.Compare(approved, approvedFile, now, loaded.Docker, loaded.Settings);
        if (unknown is not null)
            streams.Out.WriteLine($"dockerfw: what the drift changes in traffic is not judged: {unknown}");
        else if (changes.IsEmpty)
            streams.Out.WriteLine("dockerfw: the drift changes no traffic between networks, no icc, masquerade or published port (IPv4, judged with today's containers)");
        else
        {
            streams.Out.WriteLine("dockerfw: the drift changes traffic (IPv4, approved rules vs now, judged with today's containers):");
            foreach (var change in changes) streams.Out.WriteLine(Printable.Of($"  {change}"));
        }
    }
}
