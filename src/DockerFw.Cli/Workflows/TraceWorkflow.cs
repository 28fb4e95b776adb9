using DockerFw.Cli.Commands;
using DockerFw.Cli.Input;
using DockerFw.Cli.Output;
using DockerFw.Core.Host;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Routing;
using DockerFw.Core.Semantics.Connections;

namespace DockerFw.Cli.Workflows;

/// <summary>
/// <c>dockerfw trace</c>'s work once its options are bound and checked: load the host (one
/// <see cref="HostLoader"/> for every command), put addresses for container names, route the packet
/// as the host would (unless <c>--hook</c> or the interfaces say where it goes) and trace it, with
/// its replies under <c>--connection</c>. Rendering is the formatters' (<see cref="IResultFormatter{TResult}"/>).
/// </summary>
internal sealed class TraceWorkflow(HostLoader loader, StandardStreams streams, RunProgress progress)
{
    public WorkflowOutcome<TraceRun> Run(TraceOptions options)
    {
        var loaded = progress.Run(RunProgress.Reading, () => loader.Load(options.Input));
        if (!LoadedHostReport.Write(loaded, streams.Error)) return WorkflowOutcome<TraceRun>.Failed(ExitCodes.Error);
        if (Named(options.Packet, loaded) is not { } request) return WorkflowOutcome<TraceRun>.Failed(ExitCodes.Error);
        // A container named through Docker's view puts the view's address in the packet: its doubts are the answer's.
        var byName = request.Source != options.Packet.Source || request.Destination != options.Packet.Destination;
        var (packet, packetErrors) = request.Parse();
        if (!packetErrors.IsEmpty) return WorkflowOutcome<TraceRun>.Failed(Usage.Fail(streams.Error, packetErrors));
        if (LoadedHostReport.RulesOf(loaded, packet!.Family, "this packet", streams.Error) is not { } ruleset)
            return WorkflowOutcome<TraceRun>.Failed(ExitCodes.Error);

        // Live mode knows every address of the host, as does a --routes listing (its local table);
        // --host-address says so offline.
        var known = options.HostAddresses.IsEmpty ? loaded.Addresses ?? loaded.Routes.LocalAddresses() : null;
        var context = (known is null ? options.Context : options.Context with { Addresses = known }) with { IpSets = loaded.IpSets.Members };
        // The host's routes, when read whole (live, a bundle, --routes): the reverse-path check asks them.
        if (loaded.Routes.Complete) context = context with { Routes = loaded.Routes };
        var (routed, path, route) = Route(options, loaded, ruleset, packet!, context);
        foreach (var note in route?.Notes ?? []) streams.Error.WriteLine($"dockerfw: note: {note}");
        // Routed without the host's whole table (live, a bundle, --routes), the packet took the routes of Docker's bridges: the view's.
        var notices = byName || (route is not null && !loaded.Routes.Complete) ? loaded.ViewDoubts : [];
        if (route is { Dropped: true }) return WorkflowOutcome<TraceRun>.Done(new TraceRun(null, null, path, route) { Notices = notices });

        var reach = options.Connection ? ConnectionEvaluator.Evaluate(ruleset, routed, path, context) : null;
        var trace = reach?.Request ?? PacketTracer.Trace(ruleset, routed, path, context);
        return WorkflowOutcome<TraceRun>.Done(new TraceRun(trace, reach, path, route) { Notices = notices });
    }

    /// <summary>The request with container names replaced by their addresses; null (and the reason on stderr) when one names none.</summary>
    private PacketRequest? Named(PacketRequest request, LoadedHost loaded)
    {
        var (source, sourceError, destination, destinationError) = DockerNames.ResolvePair(request.Source, request.Destination, loaded.Docker, single: true);
        foreach (var (option, error) in new[] { ("--src", sourceError), ("--dst", destinationError) })
            if (error is not null) streams.Error.WriteLine($"dockerfw: error: {option}: {error}");
        return source is null || destination is null ? null : request with { Source = source, Destination = destination };
    }

    /// <summary>
    /// The packet's path: the one --hook or --in with --out names, else the one the host's routes
    /// give it (live: the namespace's table; offline: --routes, else the connected subnets of
    /// --host-address and Docker's bridges).
    /// </summary>
    private static (Packet Packet, PacketPath Path, RouteDecision? Route) Route(TraceOptions options, LoadedHost loaded, Ruleset ruleset, Packet packet, EvaluationContext context)
    {
        if (options.Hook is not null || packet.OutInterface is not null || packet.PhysIn is not null) return (packet, options.Path, null);
        var table = loaded.Routes.Complete || options.HostAddresses.IsEmpty ? loaded.Routes
            : RoutingTable.Connected(context.Addresses ?? [], loaded.Docker);
        var decision = PacketRouting.Decide(ruleset, packet, table, context, options.Path);
        return (packet with { InInterface = decision.In, OutInterface = decision.Out }, decision.Path, decision);
    }
}
