using System.CommandLine;
using DockerFw.Cli.Input;
using DockerFw.Cli.Live;
using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Remediation;
using DockerFw.Core.Snapshot;

namespace DockerFw.Cli.Commands;

/// <summary>
/// `dockerfw snapshot`: the host's rules and Docker view in a normalized, stable form for CI.
/// With <c>--check FILE</c> it compares instead: exit 0 when equal, 1 with a unified diff when the host drifted.
/// </summary>
internal sealed class SnapshotCommand(DumpLoader dumps, DockerViewLoader docker, LiveHostReader liveHost, StandardStreams streams) : ICliCommand
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

        var live = input.IsLive ? liveHost.Read(input, readEngine: input.Docker.IsEmpty) : null;
        var rules = DumpLoader.Parse(live?.Dumps ?? dumps.ReadIptables(input), strict: false);
        var view = live?.Docker is { } engineView ? new LoadedDockerView(engineView, []) : docker.Load(input.Docker, strict: false);
        foreach (var diagnostic in rules.Diagnostics.Concat(view.Diagnostics)) streams.Error.WriteLine(diagnostic.Render());
        if (!rules.Succeeded || !view.Succeeded) return ExitCodes.Error;

        var v4 = rules.Rulesets.LastOrDefault(r => r.Family == IpFamily.V4);
        var dockerView = view.View ?? (v4 is null ? DockerView.Empty : DockerViewInference.Infer(v4));
        var snapshot = HostSnapshot.Of(rules.Rulesets, dockerView);
        if (approvedFile is null)
        {
            streams.Out.Write(snapshot);
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
        streams.Out.Write(UnifiedDiff.Of(approved, snapshot, "snapshot"));
        return ExitCodes.Findings;
    }
}
