using System.Collections.Immutable;

namespace DockerFw.Core.Audit;

/// <summary>
/// What the audit judges of swarm mode on this host: the node (from <c>docker info</c>), its ports
/// between the nodes, each overlay network's VXLAN (and, when encrypted, whether cleartext VXLAN to
/// it is dropped), the service ports published through the routing mesh, and docker_gwbridge's icc.
/// </summary>
public sealed record OverlayReport(
    SwarmNodeReport? Node,
    ImmutableArray<SwarmPortReport> Ports,
    ImmutableArray<OverlayNetworkReport> Networks,
    ImmutableArray<IngressPortReport> IngressPorts,
    GwbridgeReport? Gwbridge);

/// <summary>
/// This node as the Engine reports it; <see cref="Peers"/> are the other nodes' addresses (remote
/// managers and overlay peers), empty when none is known, and then every address stands for them.
/// </summary>
public sealed record SwarmNodeReport(string State, bool Manager, string? Address, ImmutableArray<string> Peers, int DataPathPort, bool DataPathPortAssumed);

/// <summary>
/// Packets between the nodes on one port, one way: <c>in</c> (the others open to this node: its INPUT,
/// and the replies in its OUTPUT for TCP) or <c>out</c> (this node opens to them). <see cref="Verdict"/>
/// is <c>open</c>, <c>blocked</c>, <c>partial</c> or <c>uncertain</c>; the rules that decide it are named.
/// </summary>
public sealed record SwarmPortReport(string Protocol, int? Port, string Direction, string Purpose, string Verdict, ImmutableArray<Evidence> DecidedBy)
{
    /// <summary>The overlay network whose VXLAN this is (its VNI decides Docker's encryption rules), null for the control plane and ESP.</summary>
    public string? Network { get; init; }

    /// <summary>The peers blocked when only some are.</summary>
    public string? BlockedPeers { get; init; }

    /// <summary>Why the engine could not decide, for an uncertain verdict.</summary>
    public ImmutableArray<string> Doubts { get; init; } = [];
}

/// <summary>
/// An overlay network: its VNIs, whether it is encrypted or swarm's ingress, and for an encrypted one
/// whether cleartext VXLAN to its VNIs is dropped on the way in (true, false, null: undecidable).
/// </summary>
public sealed record OverlayNetworkReport(string Name, ImmutableArray<int> Vnis, bool Encrypted, bool Ingress)
{
    public bool? CleartextDropped { get; init; }

    /// <summary>The rules that decide <see cref="CleartextDropped"/>.</summary>
    public ImmutableArray<Evidence> DecidedBy { get; init; } = [];

    public ImmutableArray<string> Doubts { get; init; } = [];
}

/// <summary>
/// Service ports published through the routing mesh: new connections from outside to the host's
/// addresses that DOCKER-INGRESS NATs to the ingress sandbox on docker_gwbridge, and whether the
/// filter lets them in (<c>open</c>, <c>blocked</c>, <c>partial</c>, <c>uncertain</c>).
/// </summary>
public sealed record IngressPortReport(string Protocol, string Ports, string To, string Verdict, ImmutableArray<Evidence> DecidedBy)
{
    /// <summary>For a partial port: the clients and host addresses that get in, and what they would claim that is kept out.</summary>
    public PortClients? Partial { get; init; }

    /// <summary>
    /// Set when the filter drops the ingress sandbox's replies to some connections it lets in
    /// (<see cref="Analysis.IngressReplies"/>): <c>all</c>, or those connections in words; they are
    /// one-way. As <see cref="PublishedPortReport.RepliesDropped"/>.
    /// </summary>
    public string? RepliesDropped { get; init; }

    /// <summary>Set when the host has no route for the replies of some connections it lets in: <c>all</c>, or those connections in words (<see cref="PublishedPortReport.RepliesUnrouted"/>).</summary>
    public string? RepliesUnrouted { get; init; }

    /// <summary>Set when the replies of some connections may or may not come back: those connections in words, then why (<see cref="PublishedPortReport.RepliesUncertain"/>).</summary>
    public string? RepliesUncertain { get; init; }

    /// <summary>The rules (or FORWARD's policy) that drop the replies of <see cref="RepliesDropped"/>.</summary>
    public ImmutableArray<Evidence> RepliesDroppedBy { get; init; } = [];

    /// <summary>Why <see cref="RepliesUnrouted"/>'s replies are never sent: the missing (or dropping) routes, in words.</summary>
    public ImmutableArray<string> UnroutedWhy { get; init; } = [];
}

/// <summary>docker_gwbridge's icc: as the network declares it, as Docker means it (off), and as the rules make it.</summary>
public sealed record GwbridgeReport(bool? Declared, Setting Effective)
{
    /// <summary>Docker creates docker_gwbridge with icc off: tasks of different services share it only to leave the cluster.</summary>
    public const bool DockerIntent = false;
}
