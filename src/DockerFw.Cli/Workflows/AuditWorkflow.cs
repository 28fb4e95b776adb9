using System.Collections.Immutable;
using DockerFw.Cli.Commands;
using DockerFw.Cli.Input;
using DockerFw.Cli.Output;
using DockerFw.Core.Audit;
using DockerFw.Core.Model.Values;

namespace DockerFw.Cli.Workflows;

/// <summary>
/// <c>dockerfw audit</c>'s work once its options are bound and valid: save the live inputs first when
/// asked (<c>--save-inputs</c>), load the host (one <see cref="HostLoader"/> for every command), judge
/// it against the policy too when one is given, run every check, and return the report with the facts
/// about the run a format needs (<see cref="AuditRun"/>). Rendering is the formatters'
/// (<see cref="IAuditFormatter"/>, the audit's <see cref="IResultFormatter{TResult}"/>).
/// </summary>
internal sealed class AuditWorkflow(
    HostLoader loader,
    OutputEnvironment environment,
    StandardStreams streams,
    Capture.InputSaver saver,
    RunProgress progress)
{
    public WorkflowOutcome<AuditRun> Run(AuditOptions options)
    {
        if (options.SaveInputs is { } saveTo) options = options with { Input = progress.Run("saving the inputs", () => saver.Save(options.Input, saveTo)) };
        var loaded = progress.Run(RunProgress.Reading, () => loader.Load(options.Input, options.Strict));
        foreach (var diagnostic in loaded.Diagnostics) streams.Error.WriteLine(diagnostic.Render());
        if (!loaded.Succeeded) return WorkflowOutcome<AuditRun>.Failed(ExitCodes.Error);

        var host = options.Host(loaded.Settings);
        var context = new AuditContext(loaded.RulesetOrEmpty(IpFamily.V4), loaded.RulesetOrEmpty(IpFamily.V6), loaded.Docker, host)
        {
            OtherBackends = loaded.OtherBackends,
            ContainerMatrix = options.Containers,
            // The reverse-path check asks them (oracle F33, seed 5076).
            Routes = loaded.Routes.Complete ? loaded.Routes : null,
            Proxies = loaded.Proxies,
            Ipv6Read = loaded.Families.Contains(IpFamily.V6),
            Flannel = loaded.Flannel,
            IpSets = loaded.IpSets.Members,
        };
        if (options.Policy is { } policyFile)
        {
            if (AuditPolicy.With(context, policyFile, streams.Error) is not { } judged) return WorkflowOutcome<AuditRun>.Failed(ExitCodes.Error);
            context = judged;
        }

        var report = progress.Run($"auditing {Counted(context.View.Networks.Length, "network")} and {Counted(context.View.Containers.Length, "container")}", () => Auditor.Run(context));
        if (loaded.NetworksInferred) report = report with { ViewInferred = true };
        report = report with { Notices = [.. loaded.Notices, .. report.Notices] };
        return WorkflowOutcome<AuditRun>.Done(new AuditRun(
            report,
            Inputs(options, loaded.LiveSources),
            host.Sysctls.ToImmutableSortedDictionary(StringComparer.Ordinal),
            [.. loaded.DumpOrigins.Select(d => d.Archive is null ? d with { Path = environment.Display(d.Path) } : d with { Archive = environment.Display(d.Archive) })],
            RootCommandFactory.Version)
        {
            FailOn = options.FailOn,
            LinesOf = InputLines(options),
            Host = loaded.HostName ?? HostName(options),
        });
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
}
