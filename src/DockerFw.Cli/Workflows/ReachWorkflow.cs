using DockerFw.Cli.Commands;
using DockerFw.Cli.Input;
using DockerFw.Cli.Output;
using DockerFw.Core.Host;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Cli.Workflows;

/// <summary>
/// <c>dockerfw reach</c>'s work once its options are bound and valid: load the host (one
/// <see cref="HostLoader"/> for every command), put addresses for container and network names, and
/// ask the symbolic engine. It returns the result (with the view's doubts when a name was resolved
/// through it: <see cref="ReachRun"/>), or the exit code once it has said on stderr why
/// there is none; rendering is the formatters' (<see cref="IResultFormatter{TResult}"/>).
/// </summary>
internal sealed class ReachWorkflow(HostLoader loader, StandardStreams streams, RunProgress progress)
{
    public WorkflowOutcome<ReachRun> Run(ReachOptions options)
    {
        var loaded = progress.Run(RunProgress.Reading, () => loader.Load(options.Input));
        if (!LoadedHostReport.Write(loaded, streams.Error)) return WorkflowOutcome<ReachRun>.Failed(ExitCodes.Error);
        if (Named(options, loaded) is not { } named) return WorkflowOutcome<ReachRun>.Failed(ExitCodes.Error);
        // A name resolved through Docker's view puts the view's addresses in the query: its doubts are the answer's.
        var byName = named.Source != options.Source || named.Destination != options.Destination;
        options = named;
        if (LoadedHostReport.RulesOf(loaded, options.Family, "this query", streams.Error) is not { } ruleset)
            return WorkflowOutcome<ReachRun>.Failed(ExitCodes.Error);

        var query = options.Query;
        // The host's routes, when read whole (live, a bundle, --routes): the reverse-path check asks them.
        var context = loaded.Routes.Complete ? options.Context with { Routes = loaded.Routes } : options.Context;
        var result = progress.Run($"following every packet of the query through {ruleset.Tables.Sum(t => t.Rules.Count())} rules",
            () => SymbolicEngine.Reach(SymbolicRuleset.Compile(ruleset, query.Interfaces, context with { IpSets = loaded.IpSets.Members }), query));
        return WorkflowOutcome<ReachRun>.Done(new ReachRun(result, byName ? loaded.ViewDoubts : []));
    }

    /// <summary>
    /// The options with container and network names replaced by their addresses and subnets (in the
    /// family the other side names, else IPv4); null, and the reason on stderr, when one names none.
    /// </summary>
    private ReachOptions? Named(ReachOptions options, LoadedHost loaded)
    {
        var (source, sourceError, destination, destinationError) = DockerNames.ResolvePair(options.Source, options.Destination, loaded.Docker, single: false);
        foreach (var (option, error) in new[] { ("--src", sourceError), ("--dst", destinationError) })
            if (error is not null) streams.Error.WriteLine($"dockerfw: error: {option}: {error}");
        if ((options.Source is not null && source is null) || (options.Destination is not null && destination is null)) return null;
        var named = options with { Source = source, Destination = destination };
        if (named.Validate() is { IsEmpty: false } problems)
        {
            foreach (var problem in problems) streams.Error.WriteLine($"dockerfw: error: {problem}");
            return null;
        }

        return named;
    }
}
