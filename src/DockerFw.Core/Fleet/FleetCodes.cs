using System.Collections.Immutable;
using DockerFw.Core.Audit;

namespace DockerFw.Core.Fleet;

/// <summary>
/// The finding codes of <c>dockerfw fleet</c> (DFW770-799): what no single host can tell. They are
/// not the audit's (<see cref="FindingCodes"/>): an audit of one host never raises them, so its SARIF
/// and JUnit outputs do not list them. Each has a page in docs/findings/.
/// </summary>
public static class FleetCodes
{
    public const string Check = "fleet";

    public static readonly FindingCode SubnetsOverlap = new("DFW770", Check, FindingSeverity.High, "container subnets of hosts that route to each other overlap");
    public static readonly FindingCode NoRouteToPeer = new("DFW771", Check, FindingSeverity.High, "a host has no route to another host's container subnet");
    public static readonly FindingCode CrossHostMasqueraded = new("DFW772", Check, FindingSeverity.Medium, "traffic between hosts' containers is masqueraded: the peer sees the host, not the container");
    public static readonly FindingCode CrossHostBlocked = new("DFW773", Check, FindingSeverity.High, "a host's rules turn away new connections between containers of different hosts");
    public static readonly FindingCode TunnelBlocked = new("DFW774", Check, FindingSeverity.High, "a tunnel's outer packets are dropped by OUTPUT or INPUT");
    public static readonly FindingCode MtuMismatch = new("DFW775", Check, FindingSeverity.Medium, "containers send packets larger than the path between hosts carries");
    public static readonly FindingCode CrossHostUndecided = new("DFW776", Check, FindingSeverity.Info, "the bundles cannot decide whether containers of two hosts reach each other");

    public static readonly FindingCode OutsidePool = new("DFW777", Check, FindingSeverity.High, "a host's docker0 lies outside the flannel pool of the fleet");
    public static readonly FindingCode LeasesOverlap = new("DFW778", Check, FindingSeverity.High, "the flannel leases of two hosts overlap");
    public static readonly FindingCode PoolsDiffer = new("DFW779", Check, FindingSeverity.High, "hosts of the fleet run flannel with different pools");
    public static readonly FindingCode FlannelMtu = new("DFW780", Check, FindingSeverity.Medium, "containers send packets larger than flannel's device carries");

    public static readonly FindingCode SwarmPortBlocked = new("DFW781", Check, FindingSeverity.Medium, "a swarm node cannot reach another node's swarm port");
    public static readonly FindingCode WeavePortBlocked = new("DFW782", Check, FindingSeverity.Medium, "a Weave Net peer cannot reach another peer's Weave port");

    public static ImmutableArray<FindingCode> All { get; } =
        [SubnetsOverlap, NoRouteToPeer, CrossHostMasqueraded, CrossHostBlocked, TunnelBlocked, MtuMismatch, CrossHostUndecided,
         OutsidePool, LeasesOverlap, PoolsDiffer, FlannelMtu, SwarmPortBlocked, WeavePortBlocked];
}

/// <summary>One fleet finding: the code, the hosts it concerns, and what is wrong and what to do.</summary>
public sealed record FleetFinding(FindingCode Code, ImmutableArray<string> Hosts, string Message)
{
    /// <summary>The hosts' rules that make it so (where they are written: SARIF locates the finding there); empty when none does.</summary>
    public ImmutableArray<Decision> Evidence { get; init; } = [];
}
