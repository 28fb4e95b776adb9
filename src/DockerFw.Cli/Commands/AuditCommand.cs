using System.Collections.Immutable;
using System.CommandLine;
using DockerFw.Cli.Input;
using DockerFw.Cli.Output;
using DockerFw.Core.Audit;
using DockerFw.Core.Model.Values;

namespace DockerFw.Cli.Commands;

/// <summary>
/// `dockerfw audit`: reads the rulesets and Docker's view (or infers it), runs every check and renders
/// the report; exits 1 when a finding reaches <c>--fail-on</c>.
/// </summary>
internal sealed class AuditCommand(
    HostLoader loader,
    IEnumerable<IAuditFormatter> formatters,
    OutputEnvironment environment,
    StandardStreams streams,
    Capture.InputSaver saver,
    RunProgress progress) : ICliCommand
{
    public Command Create()
    {
        var input = new InputOptionSet();
        var sysctl = new Option<string[]>("--sysctl")
        {
            Description = "A kernel setting no dump shows, e.g. net.bridge.bridge-nf-call-iptables=1 (repeatable)",
            HelpName = "KEY=VALUE",
        };
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

        if (options.SaveInputs is { } saveTo) options = options with { Input = progress.Run("saving the inputs", () => saver.Save(options.Input, saveTo)) };
        var loaded = progress.Run(RunProgress.Reading, () => loader.Load(options.Input, options.Strict));
        foreach (var diagnostic in loaded.Diagnostics) streams.Error.WriteLine(diagnostic.Render());
        if (!loaded.Succeeded) return ExitCodes.Error;

        var host = options.Host(loaded.Settings);
        var context = new AuditContext(loaded.RulesetOrEmpty(IpFamily.V4), loaded.RulesetOrEmpty(IpFamily.V6), loaded.Docker, host)
        {
            OtherBackends = loaded.OtherBackends,
            ContainerMatrix = options.Containers,
            Proxies = loaded.Proxies,
            Ipv6Read = loaded.Families.Contains(IpFamily.V6),
        };
        if (options.Policy is { } policyFile)
        {
            if (AuditPolicy.With(context, policyFile, streams.Error) is not { } judged) return ExitCodes.Error;
            context = judged;
        }

        var report = progress.Run($"auditing {Counted(context.View.Networks.Length, "network")} and {Counted(context.View.Containers.Length, "container")}", () => Auditor.Run(context));
        if (loaded.NetworksInferred) report = report with { ViewInferred = true };
        report = report with { Notices = [.. loaded.Notices, .. report.Notices] };
        var run = new AuditRun(
            report,
            Inputs(options, loaded.LiveSources),
            host.Sysctls.ToImmutableSortedDictionary(StringComparer.Ordinal),
            [.. loaded.DumpOrigins.Select(d => d.Archive is null ? d with { Path = environment.Display(d.Path) } : d with { Archive = environment.Display(d.Archive) })],
            RootCommandFactory.Version)
        {
            FailOn = options.FailOn,
            LinesOf = InputLines(options),
            Host = loaded.HostName ?? HostName(options),
        };

        Write(run, options);
        return run.Failed ? ExitCodes.Findings : ExitCodes.Ok;
    }

    private static string Counted(int count, string noun) => $"{count} {noun}{(count == 1 ? "" : "s")}";

    private ImmutableArray<AuditInput> Inputs(AuditOptions options, ImmutableArray<string> liveSources)
    {
        var inputs = ImmutableArray.CreateBuilder<AuditInput>();
        inputs.AddRange(liveSources.Select(name => new AuditInput("live", name)));
        if (options.Input.Iptables is { } v4) inputs.Add(new AuditInput("iptables", environment.Display(v4)));
        if (options.Input.Ip6tables is { } v6) inputs.Add(new AuditInput("ip6tables", environment.Display(v6)));
        if (options.Input.IptablesLegacy is { } legacy4) inputs.Add(new AuditInput("iptables-legacy", environment.Display(legacy4)));
        if (options.Input.Ip6tablesLegacy is { } legacy6) inputs.Add(new AuditInput("ip6tables-legacy", environment.Display(legacy6)));
        if (options.Input.Nft is { } nft) inputs.Add(new AuditInput("nft", environment.Display(nft)));
        inputs.AddRange(options.Input.Docker.Select(d => new AuditInput("docker", environment.Display(d))));
        if (options.Policy is { } policy) inputs.Add(new AuditInput("policy", environment.Display(policy)));
        return inputs.ToImmutable();
    }

    /// <summary>Reads a Docker JSON file again, only when a format asks (SARIF's regions); the dumps' lines are in <see cref="AuditRun.Dumps"/>.</summary>
    private Func<string, IReadOnlyList<string>?> InputLines(AuditOptions options)
    {
        var files = options.Input.Docker
            .OfType<string>().Where(f => f != "-" && File.Exists(f))
            .DistinctBy(environment.Display).ToDictionary(environment.Display, f => f, StringComparer.Ordinal);
        var read = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        return name =>
        {
            if (!files.TryGetValue(name, out var path)) return null;
            if (!read.TryGetValue(name, out var lines)) read[name] = lines = File.ReadAllLines(path);
            return lines;
        };
    }

    // Offline: the first file read names the host.
    private string HostName(AuditOptions options)
    {
        var file = options.Input.Iptables ?? options.Input.Ip6tables ?? options.Input.Nft ?? options.Input.Docker.FirstOrDefault();
        return file is null or "-" ? "stdin" : environment.Display(file);
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
