using System.CommandLine;
using DockerFw.Cli.Input;
using DockerFw.Cli.Output;
using DockerFw.Cli.Workflows;

namespace DockerFw.Cli.Commands;

/// <summary>
/// `dockerfw audit`: reads the rulesets and Docker's view (or infers it), runs every check and renders
/// the report; exits 1 when a finding reaches <c>--fail-on</c>. The command binds and checks its
/// options; <see cref="AuditWorkflow"/> does the work and the formatter <c>--format</c> names writes it.
/// </summary>
internal sealed class AuditCommand(
    AuditWorkflow workflow,
    IEnumerable<IAuditFormatter> formatters,
    OutputEnvironment environment,
    StandardStreams streams) : ICliCommand
{
    public Command Create()
    {
        var input = new InputOptionSet();
        var sysctl = SysctlValues.CreateOption();
        var names = formatters.Select(f => f.Name).ToArray();
        var format = new Option<string>("--format")
        {
            Description = "Report format",
            HelpName = string.Join('|', names),
            DefaultValueFactory = _ => "text",
        };
        format.AcceptOnlyFromAmong(names);
        var output = new Option<string?>("--output")
        {
            Description = "Write the report to FILE instead of stdout",
            HelpName = "FILE",
        };
        var failOn = new Option<string>("--fail-on")
        {
            Description = "Exit 1 when a finding of this severity or worse exists (never: exit 0 whatever is found)",
            HelpName = string.Join('|', [.. ReportWords.Severities, "never"]),
            DefaultValueFactory = _ => "high",
        };
        failOn.AcceptOnlyFromAmong([.. ReportWords.Severities, "never"]);
        var strict = new Option<bool>("--strict") { Description = "Treat warnings about the input as errors" };
        var containers = new Option<bool>("--containers") { Description = "Add a container-by-container reachability matrix to the report" };
        var policy = new Option<string?>("--policy")
        {
            Description = "Judge the host against this policy too (docs/policy.md): findings DFW9xx",
            HelpName = "FILE",
        };
        var saveInputs = new Option<string?>("--save-inputs")
        {
            Description = "Live: save what is read (rules, Docker, routes, settings) in this new capture bundle and judge it from there; SARIF then points at its files",
            HelpName = "DIR",
        };

        var command = new Command("audit", "Audit a Docker host's firewall: isolation, icc, masquerade, links, published ports");
        input.AddTo(command);
        input.AddEngineTo(command);
        foreach (var option in new Option[] { sysctl, format, output, failOn, strict, containers, policy, saveInputs }) command.Options.Add(option);
        command.SetAction(parsed => Run(new AuditOptions(
            input.Bind(parsed),
            [.. parsed.GetValue(sysctl) ?? []],
            parsed.GetValue(format)!,
            parsed.GetValue(output),
            ReportWords.SeverityOf(parsed.GetValue(failOn)!),
            parsed.GetValue(strict))
        {
            Containers = parsed.GetValue(containers),
            Policy = parsed.GetValue(policy),
            SaveInputs = parsed.GetValue(saveInputs),
        }));
        return command;
    }

    private int Run(AuditOptions options)
    {
        var problems = options.Validate();
        if (!problems.IsEmpty) return Usage.Fail(streams.Error, problems);
        var outcome = workflow.Run(options);
        if (outcome.Result is not { } run) return outcome.ExitCode;
        Write(run, options);
        return run.Failed ? ExitCodes.Findings : ExitCodes.Ok;
    }

    private void Write(AuditRun run, AuditOptions options)
    {
        var formatter = formatters.Single(f => f.Name == options.Format);
        if (options.Output is null)
        {
            formatter.Write(run, streams.Out, TerminalOf(streams));
            return;
        }

        var text = new StringWriter { NewLine = "\n" };
        formatter.Write(run, text, TerminalProfile.Plain);
        ReportFile.Write(options.Output, text.ToString());
    }

    private TerminalProfile TerminalOf(StandardStreams standard) =>
        standard.TerminalWidth is { } width ? new TerminalProfile(!environment.NoColor, width) : TerminalProfile.Plain;
}
