using DockerFw.Cli.Output;
using System.CommandLine;
using DockerFw.Cli.Input;
using DockerFw.Cli.Workflows;

namespace DockerFw.Cli.Commands;

/// <summary>
/// `dockerfw reach`: the exact partition of a set of packets into what the rules accept, drop,
/// reject, and cannot decide from the dump, each part with the rules responsible. The command binds
/// and checks its options; <see cref="ReachWorkflow"/> does the work and a formatter writes it.
/// </summary>
internal sealed class ReachCommand(ReachWorkflow workflow, IEnumerable<IResultFormatter<ReachRun>> formatters, StandardStreams streams) : ICliCommand
{
    public Command Create()
    {
        var input = new InputOptionSet();
        var hook = SharedOptions.Choice("--hook", "The filter hook that decides: FORWARD (routed), INPUT (to this host), OUTPUT (from it); default from --in/--out", "FORWARD", "INPUT", "OUTPUT");
        var @in = new Option<string?>("--in") { Description = "Input interface or prefix+ (default: any)", HelpName = "IF" };
        var @out = new Option<string?>("--out") { Description = "Output interface or prefix+ (default: any)", HelpName = "IF" };
        var src = new Option<string?>("--src") { Description = "Source addresses (default: any)", HelpName = "CIDR" };
        var dst = new Option<string?>("--dst") { Description = "Destination addresses (default: any)", HelpName = "CIDR" };
        var proto = new Option<string?>("--proto") { Description = "Protocol: tcp, udp, icmp, a name or a number (default: any)", HelpName = "P" };
        var state = new Option<string?>("--state") { Description = "Conntrack states on arrival, e.g. NEW or RELATED,ESTABLISHED (default: any)", HelpName = "S" };
        var hostAddress = new Option<string[]>("--host-address")
        {
            Description = "An address of this host, repeatable; when given, the list is taken as complete (addrtype, MASQUERADE, REDIRECT)",
            HelpName = "IF=ADDR/LEN",
        };
        var format = SharedOptions.Choice("--format", "Output format (default text)", "text", "json");

        var command = new Command("reach", "Partition a set of packets by verdict: accepted, dropped, rejected, undecidable, with the rules responsible")
        {
            hook, @in, @out, src, dst, proto, state, hostAddress, format,
        };
        input.AddTo(command);
        input.AddEngineTo(command);
        command.SetAction(parsed => Run(new ReachOptions(
            input.Bind(parsed),
            parsed.GetValue(hook),
            parsed.GetValue(@in),
            parsed.GetValue(@out),
            parsed.GetValue(src),
            parsed.GetValue(dst),
            parsed.GetValue(proto),
            parsed.GetValue(state),
            [.. parsed.GetValue(hostAddress) ?? []],
            parsed.GetValue(format) ?? "text")));
        return command;
    }

    private int Run(ReachOptions options)
    {
        var problems = options.Validate();
        if (!problems.IsEmpty) return Usage.Fail(streams.Error, problems);
        var outcome = workflow.Run(options);
        if (outcome.Result is not { } result) return outcome.ExitCode;
        formatters.Single(f => f.Name == options.Format).Write(result, streams.Out);
        return ExitCodes.Ok;
    }
}
