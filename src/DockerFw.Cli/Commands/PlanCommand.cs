using System.CommandLine;
using DockerFw.Cli.Input;
using DockerFw.Cli.Output;
using DockerFw.Cli.Workflows;

namespace DockerFw.Cli.Commands;

/// <summary>
/// `dockerfw plan --policy FILE`: the rules that make the host satisfy the policy, as iptables-restore
/// <c>--noflush</c> input (and ip6tables-restore's for dual-stack networks), and the unified diff of
/// iptables-save (and ip6tables-save) before and after. Exits 2 when the
/// policy is bad or the plan cannot be proved (the conflict is named). The command binds and checks
/// its options; <see cref="PlanWorkflow"/> does the work and <see cref="PlanFormatter"/> writes it.
/// </summary>
internal sealed class PlanCommand(PlanWorkflow workflow, IResultFormatter<PlanRun> formatter, StandardStreams streams) : ICliCommand
{
    public Command Create()
    {
        var input = new InputOptionSet();
        var policy = new Option<string>("--policy") { Description = "The policy file (docs/policy.md)", HelpName = "FILE", Required = true };
        var command = new Command("plan", "Plan the rules that make the host satisfy a policy: iptables-restore --noflush input and a diff") { policy };
        input.AddTo(command);
        input.AddEngineTo(command);
        // The kernel settings the proof asks as audit --policy does (rp_filter, with --routes).
        var sysctl = SysctlValues.CreateOption();
        command.Options.Add(sysctl);
        command.SetAction(parsed => Run(input.Bind(parsed), parsed.GetValue(policy)!, [.. parsed.GetValue(sysctl) ?? []]));
        return command;
    }

    private int Run(InputOptions input, string policyFile, string[] sysctls)
    {
        var problems = input.Validate().AddRange(SysctlValues.Problems(sysctls));
        if (!problems.IsEmpty) return Usage.Fail(streams.Error, problems);
        var outcome = workflow.Run(input, policyFile, sysctls);
        if (outcome.Result is not { } run) return outcome.ExitCode;
        formatter.Write(run, streams.Out);
        return ExitCodes.Ok;
    }
}
