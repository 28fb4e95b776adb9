using System.CommandLine;
using System.Runtime.InteropServices;
using DockerFw.Cli.Apply;
using DockerFw.Cli.Input;
using DockerFw.Cli.Output;
using DockerFw.Cli.Workflows;
using DockerFw.Core.Remediation;

namespace DockerFw.Cli.Commands;

/// <summary>
/// `dockerfw apply --policy FILE`: plans on the live host (or <c>--netns</c>), shows the plan and asks
/// unless <c>--yes</c>, then applies it safely (<see cref="PolicyApplier"/>). A second apply of the
/// same policy reports no change and changes nothing. <c>--remove</c> instead of a policy takes
/// dockerfw's chain and its jumps away, the same safe way. The command binds and checks its options
/// and talks to the user (the plan and its question, the confirmation); <see cref="ApplyWorkflow"/>
/// does the work and <see cref="ApplyFormatter"/> writes how it ended.
/// </summary>
internal sealed class ApplyCommand(ApplyWorkflow workflow, IResultFormatter<ApplyRun> formatter, StandardStreams streams) : ICliCommand
{
    public Command Create()
    {
        var policy = new Option<string>("--policy") { Description = "The policy file (docs/policy.md)", HelpName = "FILE" };
        var remove = new Option<bool>("--remove") { Description = "Instead of a policy: take dockerfw's chain and its jumps away" };
        var inputs = new InputOptionSet();
        var netns = inputs.Netns;
        var dockerFiles = new Option<string[]>("--docker") { Description = "Docker JSON instead of asking the Engine (docker network inspect / docker inspect)", HelpName = "FILE" };
        var yes = new Option<bool>("--yes") { Description = "Apply without showing the plan and asking" };
        var timeout = new Option<int?>("--confirm-timeout") { Description = "Roll back unless a line is typed within this many seconds", HelpName = "SECONDS" };
        var backups = new Option<string>("--backup-dir") { Description = "Where backups go (default /var/lib/dockerfw)", HelpName = "DIR", DefaultValueFactory = _ => "/var/lib/dockerfw" };
        var command = new Command("apply", "Apply a policy: backup, atomic iptables-restore --noflush, read-back verification, rollback on failure")
        {
            policy, remove, netns, dockerFiles, inputs.DockerHost, yes, timeout, backups,
        };
        command.SetAction(parsed => Run(new ApplyOptions(
            new InputOptions(null, null, null, [.. parsed.GetValue(dockerFiles) ?? []], parsed.GetValue(netns)) { DockerHost = parsed.GetValue(inputs.DockerHost) },
            parsed.GetValue(policy), parsed.GetValue(remove), parsed.GetValue(yes), parsed.GetValue(timeout), parsed.GetValue(backups)!)));
        return command;
    }

    private int Run(ApplyOptions options)
    {
        var problems = options.Validate();
        if (!problems.IsEmpty) return Usage.Fail(streams.Error, problems);
        var outcome = workflow.Run(options, plan => Approved(plan, options.PolicyFile), () => Unconfirmed(options.ConfirmTimeout));
        if (outcome.Result is not { } run) return outcome.ExitCode;
        formatter.Write(run, streams.Out);
        return run.End == ApplyEnd.RolledBack ? ExitCodes.Error : ExitCodes.Ok;
    }

    /// <summary>Shows the plan (what it replaces, the diffs) and asks; true when the answer is yes.</summary>
    private bool Approved(PolicyPlan plan, string? policyFile)
    {
        if (policyFile is not null && PolicyPlanning.Replaced(plan) is { } replaced) streams.Out.WriteLine(replaced);
        foreach (var moved in PolicyPlanning.MovedJumps(plan)) streams.Out.WriteLine(moved);
        streams.Out.Write(plan.Diff);
        streams.Out.Write(plan.Ipv6?.Diff ?? "");
        streams.Out.Write("Apply this plan? [y/N] ");
        return streams.In.ReadLine()?.Trim() is "y" or "yes";
    }

    /// <summary>
    /// Null when a line is typed in time; otherwise why not: the timeout, the end of input, or a
    /// signal (a dropped session's SIGHUP, Ctrl-C, SIGTERM), which is caught so that the rollback runs.
    /// </summary>
    private string? Unconfirmed(int? seconds)
    {
        if (seconds is not { } timeout) return null;
        var signalled = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var registrations = new[] { (PosixSignal.SIGHUP, "SIGHUP"), (PosixSignal.SIGINT, "SIGINT"), (PosixSignal.SIGTERM, "SIGTERM") }
            .Select(s => PosixSignalRegistration.Create(s.Item1, context =>
            {
                context.Cancel = true;
                signalled.TrySetResult(s.Item2);
            }))
            .ToList();
        // The prompt only once the handlers are in place: a signal sent as soon as it shows (a user's
        // Ctrl-C, a script) must roll back, not fall to the runtime's default between the two.
        streams.Out.WriteLine($"Type a line within {timeout} s to keep the new rules; otherwise they are rolled back.");
        try
        {
            var line = Task.Run(streams.In.ReadLine);
            return Task.WaitAny([line, signalled.Task], TimeSpan.FromSeconds(timeout)) switch
            {
                -1 => "not confirmed in time",
                1 => $"{signalled.Task.Result} arrived before the confirmation",
                _ when line.Result is null => "standard input ended before the confirmation (a line cannot be typed; --confirm-timeout needs a terminal or an open input)",
                _ => null,
            };
        }
        finally
        {
            foreach (var registration in registrations) registration.Dispose();
        }
    }
}
