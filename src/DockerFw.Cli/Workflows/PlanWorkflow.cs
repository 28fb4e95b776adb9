using DockerFw.Cli.Apply;
using DockerFw.Cli.Commands;
using DockerFw.Cli.Input;
using DockerFw.Cli.Output;
using DockerFw.Core.Host;

namespace DockerFw.Cli.Workflows;

/// <summary>
/// <c>dockerfw plan</c>'s work once its options are bound and valid: load the host (one
/// <see cref="HostLoader"/> for every command), read and resolve the policy, and plan and prove the
/// rules (<see cref="PolicyPlanning"/>, shared with apply). A bad policy or a plan that cannot be
/// proved is said on stderr with the exit code; rendering is the formatter's (<see cref="IResultFormatter{TResult}"/>).
/// </summary>
internal sealed class PlanWorkflow(HostLoader loader, StandardStreams streams)
{
    /// <param name="sysctls">The <c>--sysctl</c> values, over the settings read (live, a bundle).</param>
    public WorkflowOutcome<PlanRun> Run(InputOptions input, string policyFile, IEnumerable<string>? sysctls = null)
    {
        var read = loader.Load(input);
        var loaded = read with { Settings = SysctlValues.Over(read.Settings, sysctls ?? []) };
        if (!LoadedHostReport.Write(loaded, streams.Error)) return WorkflowOutcome<PlanRun>.Failed(ExitCodes.Error);
        return PolicyPlanning.Plan(loaded, policyFile, streams.Error) is { } plan
            ? WorkflowOutcome<PlanRun>.Done(new PlanRun(plan, policyFile))
            : WorkflowOutcome<PlanRun>.Failed(ExitCodes.Error);
    }
}
