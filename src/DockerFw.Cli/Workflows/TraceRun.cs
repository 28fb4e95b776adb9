using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Connections;
using DockerFw.Core.Semantics.Routing;

namespace DockerFw.Cli.Workflows;

/// <summary>
/// One <c>dockerfw trace</c>: the packet's way through the rules (null when routing dropped it before
/// any rule: <see cref="Route"/> says why), its replies with <c>--connection</c>, the path it took
/// and the route that chose it (null when <c>--hook</c> or the interfaces named it).
/// </summary>
internal sealed record TraceRun(TraceResult? Trace, ConnectionResult? Connection, PacketPath Path, RouteDecision? Route);
