using System.Collections.Immutable;

namespace DockerFw.Core.Fleet;

/// <summary>What <c>dockerfw fleet</c> found: the hosts, the routed networks, both matrices and the findings.</summary>
public sealed record FleetReport(
    ImmutableArray<HostSummary> Hosts,
    ImmutableArray<FleetNetwork> Routed,
    ImmutableArray<FleetCell> Networks,
    ImmutableArray<FleetCell> Containers,
    ImmutableArray<FleetFinding> Findings);
