using System.CommandLine;
using DockerFw.Cli.Input;
using DockerFw.Cli.Output;
using DockerFw.Cli.Workflows;

namespace DockerFw.Cli.Commands;

/// <summary>
/// `dockerfw snapshot`: the host's rules and Docker view in a normalized, stable form for CI.
/// With <c>--check FILE</c> it compares instead: exit 0 when equal, 1 with a unified diff when the host
/// drifted, followed by what the drift changes in traffic. The command binds and checks its options;
/// <see cref="SnapshotWorkflow"/> does the work and <see cref="SnapshotFormatter"/> writes it.
/// </summary>
internal sealed class SnapshotCommand(SnapshotWorkflow workflow, IResultFormatter<SnapshotRun> formatter, StandardStreams streams) : ICliCommand
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
        var outcome = workflow.Run(input, approvedFile);
        if (outcome.Result is not { } run) return outcome.ExitCode;
        formatter.Write(run, streams.Out);
        return run.Drifted ? ExitCodes.Findings : ExitCodes.Ok;
    }
}
