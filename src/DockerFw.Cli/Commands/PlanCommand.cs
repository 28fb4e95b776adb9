using System.CommandLine;
using DockerFw.Cli.Input;
using DockerFw.Cli.Apply;

namespace DockerFw.Cli.Commands;

/// <summary>
/// `dockerfw plan --policy FILE`: the rules that make the host satisfy the policy, as iptables-restore
/// <c>--noflush</c> input (and ip6tables-restore's for dual-stack networks), and the unified diff of
/// iptables-save (and ip6tables-save) before and after. Exits 2 when the
/// policy is bad or the plan cannot be proved (the conflict is named).
/// </summary>
internal sealed class PlanCommand(HostLoader loader, StandardStreams streams) : ICliCommand
{
    public Command Create()
    {
        var input = new InputOptionSet();
        var policy = new Option<string>("--policy") { Description = "The policy file (docs/policy.md)", HelpName = "FILE", Required = true };
        var command = new Command("plan", "Plan the rules that make the host satisfy a policy: iptables-restore --noflush input and a diff") { policy };
        input.AddTo(command);
        input.AddEngineTo(command);
        command.SetAction(parsed => Run(input.Bind(parsed), parsed.GetValue(policy)!));
        return command;
    }

    private int Run(InputOptions input, string policyFile)
    {
        var problems = input.Validate();
        if (!problems.IsEmpty) return Usage.Fail(streams.Error, problems);

        var plan = PolicyPlanning.Plan(input, policyFile, loader, streams.Error);
        if (plan is null) return ExitCodes.Error;

        if (plan.ChangesNothing)
        {
            streams.Out.WriteLine($"dockerfw: the host already runs the plan of {policyFile}; nothing to change");
            return ExitCodes.Ok;
        }

        // On a terminal the host's comments are shown with their control characters escaped; a pipe
        // or a file gets the bytes restore and patch take.
        var output = streams.TerminalWidth is null ? streams.Out : new Output.PrintableWriter(streams.Out);
        // The restore inputs first (ip6tables' marked, since it goes to another command), then the
        // diffs, which patch -p1 applies together to iptables-save and ip6tables-save.
        if (plan.Nftables)
        {
            // One nft -f script holds both families: one transaction.
            output.Write("# nft -f\n" + plan.RestoreInput);
            output.WriteLine();
            output.Write(plan.Diff);
            output.Write(plan.Ipv6?.Diff ?? "");
            output.Flush();
            return ExitCodes.Ok;
        }

        if (plan.Diff.Length > 0) output.Write(plan.RestoreInput);
        if (plan.Ipv6 is { ChangesNothing: false } ipv6)
        {
            if (plan.Diff.Length > 0) output.WriteLine();
            output.Write("# ip6tables-restore --noflush\n" + ipv6.RestoreInput);
        }

        output.WriteLine();
        output.Write(plan.Diff);
        output.Write(plan.Ipv6?.Diff ?? "");
        output.Flush();
        return ExitCodes.Ok;
    }
}
