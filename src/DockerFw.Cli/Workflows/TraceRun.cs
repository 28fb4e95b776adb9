using System.Collections.Immutable;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Connections;
using DockerFw.Core.Semantics.Routing;

namespace DockerFw.Cli.Workflows;

/// <summary>
/// One <c>dockerfw trace</c>: the packet's way through the rules (null when routing dropped it before
/// any rule: <see cref="Route"/> says why), its replies with <c>--connection</c>, the path it took
/// and the route that chose it (null when <c>--hook</c> or the interfaces named it), and the notices
/// its answer carries: the doubts of Docker's view (<see cref="Core.Host.LoadedHost.ViewDoubts"/>) when
/// the answer rests on the view, as reach's do (<see cref="ReachRun"/>): <c>--src</c> or <c>--dst</c>
/// named a container through it, or the packet was routed by its bridges' subnets (no complete routes
/// read); empty otherwise.
/// </summary>
internal sealed record TraceRun(TraceResult? Trace, ConnectionResult? Connection, PacketPath Path, RouteDecision? Route)
{
    public ImmutableArray<string> Notices { get; init; } = [];
}
