using DockerFw.Cli.Apply;
using DockerFw.Cli.Commands;
using DockerFw.Cli.Input;
using DockerFw.Cli.Output;
using DockerFw.Core.Remediation;

namespace DockerFw.Cli.Workflows;

/// <summary>
/// <c>dockerfw apply</c>'s work once its options are bound and valid: hold the apply lock of the host
/// (or namespace), load it (one <see cref="HostLoader"/> for every command), plan the policy or the
/// removal (<see cref="PolicyPlanning"/>, shared with plan), let the user approve it, and apply it
/// safely (<see cref="PolicyApplier"/>: backup, atomic restore, read-back, rollback). Talking to the
/// user is the command's: it passes how to approve a plan and how to confirm the applied rules.
/// </summary>
internal sealed class ApplyWorkflow(HostLoader loader, IHostCommandRunner runner, StandardStreams streams)
{
    /// <param name="approve">Shows the plan and asks; false: nothing is applied. Not called with <c>--yes</c>.</param>
    /// <param name="unconfirmed">Null when the applied rules are confirmed in time, else why not (they are then rolled back).</param>
    public WorkflowOutcome<ApplyRun> Run(ApplyOptions options, Func<PolicyPlan, bool> approve, Func<string?> unconfirmed)
    {
        var (held, busy) = ApplyLock.Take(options.Input.Netns);
        if (held is null)
        {
            streams.Error.WriteLine($"dockerfw: error: {busy}");
            return WorkflowOutcome<ApplyRun>.Failed(ExitCodes.Error);
        }

        using (held) return PlanAndApply(options, approve, unconfirmed);
    }

    private WorkflowOutcome<ApplyRun> PlanAndApply(ApplyOptions options, Func<PolicyPlan, bool> approve, Func<string?> unconfirmed)
    {
        var plan = options.PolicyFile is { } policyFile
            ? PolicyPlanning.Plan(options.Input, policyFile, loader, streams.Error)
            : PolicyPlanning.Removal(options.Input, loader, streams.Error);
        if (plan is null) return WorkflowOutcome<ApplyRun>.Failed(ExitCodes.Error);
        ApplyRun Ended(ApplyEnd end) => new(end, options.PolicyFile);
        if (plan.ChangesNothing) return WorkflowOutcome<ApplyRun>.Done(Ended(ApplyEnd.NoChange));
        if (!options.Yes && !approve(plan)) return WorkflowOutcome<ApplyRun>.Done(Ended(ApplyEnd.Declined));

        var applier = new PolicyApplier(runner, streams.Error);
        var wait = options.ConfirmTimeout is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        var applied = applier.Apply(plan, options.Input.Netns, options.BackupDirectory, unconfirmed, wait);
        return WorkflowOutcome<ApplyRun>.Done(Ended(applied ? ApplyEnd.Applied : ApplyEnd.RolledBack));
    }
}
