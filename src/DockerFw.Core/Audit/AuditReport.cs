using System.Collections.Immutable;

namespace DockerFw.Core.Audit;

/// <summary>
/// Everything an audit says about a host: each network with what it declares and what the rules
/// effectively do, the network-by-network reachability matrix, published ports, legacy links, the
/// DOCKER-USER hook, and the findings. Formatters render it; they decide nothing.
/// </summary>
public sealed record AuditReport(
    ImmutableArray<NetworkReport> Networks,
    ReachabilityMatrix Reachability,
    ImmutableArray<PublishedPortReport> PublishedPorts,
    ImmutableArray<LinkReport> Links,
    DockerUserReport? DockerUser,
    ImmutableArray<Finding> Findings,
    ImmutableArray<string> Notices)
{
    /// <summary>True when no Engine data was given and the networks were read out of the ruleset.</summary>
    public bool ViewInferred { get; init; }

    /// <summary>The network matrix over the IPv6 ruleset (null when there is none): ip6tables isolates on its own.</summary>
    public ReachabilityMatrix? ReachabilityV6 { get; init; }

    /// <summary>The published ports probed in the IPv6 ruleset (null when there is none): the IPv6 bindings, to the containers' IPv6 addresses.</summary>
    public ImmutableArray<PublishedPortReport>? PublishedPortsV6 { get; init; }

    /// <summary>The link openings in the IPv6 ruleset (null when there is none), between IPv6 addresses.</summary>
    public ImmutableArray<LinkReport>? LinksV6 { get; init; }

    /// <summary>The container-by-container matrix, when asked for (null otherwise).</summary>
    public ImmutableArray<ContainerReachabilityEntry>? ContainersReachability { get; init; }

    /// <summary>
    /// Docker-intent findings that are exactly what the policy asks for, each with
    /// <see cref="Finding.IntendedBy"/>; kept apart from <see cref="Findings"/>, so no exit code counts
    /// them. Null when no policy was judged (no <c>--policy</c>).
    /// </summary>
    public ImmutableArray<Finding>? Intended { get; init; }

    /// <summary>Swarm mode on this host (<see cref="OverlayReport"/>); null when the host shows nothing of swarm.</summary>
    public OverlayReport? Overlay { get; init; }

    public FindingSeverity? WorstSeverity => Findings.IsEmpty ? null : Findings.Max(f => f.Severity);
}

/// <summary>A setting as Docker declares it and as the rules make it; null where it cannot be known.</summary>
public sealed record Setting(bool? Declared, bool? Effective)
{
    /// <summary>
    /// Set when the setting holds for some packets only (<see cref="Effective"/> is then null): the
    /// flows it holds for, e.g. icc open on tcp/80 only.
    /// </summary>
    public ImmutableArray<AllowedFlow>? PartialFlows { get; init; }

    /// <summary>
    /// Masquerade only: set when the filter drops the replies of some of the network's connections out
    /// (oracle F35): <c>all</c>, or those connections in words; they are one-way.
    /// </summary>
    public string? RepliesDropped { get; init; }

    /// <summary>
    /// The connections out whose replies come back but whose later packets the filter drops on their
    /// way out (oracle F38): <c>all</c>, or those connections in words; they carry no data.
    /// </summary>
    public string? LaterDropped { get; init; }

    /// <summary>
    /// Masquerade only: set when the replies of some connections out die as they arrive for some of
    /// the addresses (or ports) the NAT may give them and not for others, and which one it gives is not
    /// known: those connections in the words of <see cref="RepliesDropped"/>, then why. Not a drop.
    /// </summary>
    public string? RepliesUncertain { get; init; }

    /// <summary>Effective differs from declared; a partial setting differs from either.</summary>
    public bool Drifted => Declared is { } d && (PartialFlows is not null || (Effective is { } e && d != e));
}

public sealed record NetworkReport(
    string Name,
    string? Bridge,
    ImmutableArray<string> Subnets,
    bool Internal,
    string GatewayMode,
    Setting Icc,
    Setting Masquerade)
{
    /// <summary>The address outbound traffic is SNATed to (rather than masqueraded), when the rules say so.</summary>
    public string? SnatTo { get; init; }

    /// <summary>
    /// The NAT's address per way out where it differs by way out (oracle F60: an SNAT on one interface beside
    /// Docker's MASQUERADE); empty otherwise. <see cref="SnatTo"/> is null then.
    /// </summary>
    public ImmutableArray<Analysis.WayOutNat> SnatVia { get; init; } = [];

    /// <summary>icc in the IPv6 rules; null when no IPv6 ruleset was read or the network has no IPv6 subnet.</summary>
    public Setting? IccV6 { get; init; }

    /// <summary>Masquerade in the IPv6 rules; null as <see cref="IccV6"/>.</summary>
    public Setting? MasqueradeV6 { get; init; }
}

public enum ReachabilityVerdict
{
    Allowed,
    Denied,
    Partial,
}

/// <summary>
/// A set of new connections the rules let through: protocol, destination ports and addresses (null:
/// any), whether replies come back (<c>connection</c>) or die (<c>one-way</c>), whether it only may
/// pass because it depends on something the dump cannot decide, the source ports it holds for (null:
/// any) and the source addresses (null: every one the question was about; <c>any but ...</c> names
/// those left out). A flow that holds only from some source ports (a link's reply rule, a drop whose
/// replies die only for one client port) or some sources (a network's containers whose replies die,
/// oracle F34) says which, so its kind is true of every packet it names. Likewise its ICMP types (null:
/// every query; a drop of timestamp replies makes <c>icmp type 13</c> one-way and echo a connection) and
/// the interfaces it leaves the host by (null: every one asked; masquerade's <c>-o eth0</c> NATs what
/// leaves via eth0 only).
/// </summary>
public sealed record AllowedFlow(string Protocol, string? Ports, string? Destinations, string Kind, bool Possible = false, string? SourcePorts = null, string? Sources = null,
    string? IcmpTypes = null, string? Via = null);

/// <summary>New connections from containers of one network to containers of another (or the same).</summary>
public sealed record ReachabilityEntry(string From, string To, ReachabilityVerdict Verdict, ImmutableArray<AllowedFlow> Flows)
{
    /// <summary>
    /// How the replies of the destination's multi-homed containers go where they answer by their own
    /// routes, not back the way the request came: null when every reply comes back that way.
    /// </summary>
    public string? ReplyWay { get; init; }
}

/// <summary>New connections from one container endpoint (its address on a network) to another.</summary>
public sealed record ContainerReachabilityEntry(
    string From,
    string FromNetwork,
    string FromAddress,
    string To,
    string ToNetwork,
    string ToAddress,
    ReachabilityVerdict Verdict,
    ImmutableArray<AllowedFlow> Flows)
{
    /// <summary>
    /// How the destination's replies go when not back the way the request came (a multi-homed
    /// destination answers by its own routes): null when they do.
    /// </summary>
    public string? ReplyWay { get; init; }
}

/// <summary>
/// A published port and whether the filter lets new connections from outside that Docker's DNAT sends
/// to the container in: true (all), false (none), null when unknown or <see cref="Partial"/>.
/// </summary>
public sealed record PublishedPortReport(
    string Protocol,
    string? HostIp,
    int? HostPort,
    string ContainerIp,
    int ContainerPort,
    string? Network,
    string? Container,
    bool? FilterAccepts)
{
    /// <summary>Set when the filter lets some of those connections in and not others (<see cref="FilterAccepts"/> is then null).</summary>
    public PortClients? Partial { get; init; }

    /// <summary>
    /// Set when the filter drops the replies of some connections it lets in (oracle F35): <c>all</c>,
    /// or those connections in words (<c>from 100.64.0.7</c>, <c>from source port 20990</c>); they are one-way.
    /// </summary>
    public string? RepliesDropped { get; init; }

    /// <summary>
    /// Set when the host has no route for the replies of some connections the filter lets in (the
    /// routes read whole hold no route to their clients, or one that drops): <c>all</c>, or those
    /// connections in words. The kernel never sends those replies; the connections never complete.
    /// </summary>
    public string? RepliesUnrouted { get; init; }

    /// <summary>
    /// Set when the replies of some connections may or may not come back (a multipath route's devices,
    /// by some of which the filter drops them): those connections in words, then why.
    /// </summary>
    public string? RepliesUncertain { get; init; }

    /// <summary>
    /// The connections whose replies come back but whose later packets (ESTABLISHED, the request's way:
    /// the handshake's ACK, the data) the filter drops (oracle F38): <c>all</c>, or those connections in
    /// words; they carry no data.
    /// </summary>
    public string? LaterDropped { get; init; }

    /// <summary>
    /// Whether the port's connections are NATed to the container (oracle F59): all (Allowed), none (Denied:
    /// an admin's nat RETURN, a REDIRECT, another DNAT takes them first), some (Partial, <see cref="NotNated"/>);
    /// null when unknown. Where none is, <see cref="FilterAccepts"/> is about the connections Docker's DNAT
    /// would make, not the port's.
    /// </summary>
    public ReachabilityVerdict? Nated { get; init; } = ReachabilityVerdict.Allowed;

    /// <summary>The connections not NATed to the container where only some are, in <see cref="Partial"/>'s kept-out words.</summary>
    public string? NotNated { get; init; }
}

/// <summary>
/// The clients (source addresses) and host addresses from and on which new connections to a published
/// port reach the container; null where every one the port was judged for does.
/// </summary>
public sealed record PortClients(string? Sources, string? HostAddresses)
{
    /// <summary>
    /// The input interfaces on which the connections get in, when some interface's are kept out (a
    /// rule naming the host's uplink, <c>-i eth0 ! -s 192.168.1.1 -j DROP</c>: oracle F41); null when
    /// every interface's are judged alike.
    /// </summary>
    public string? Interfaces { get; init; }

    /// <summary>
    /// The connections from those clients on those addresses that the filter keeps out all the same
    /// (a rule that drops some clients on one address only, or some source ports); null when none.
    /// </summary>
    public string? KeptOut { get; init; }

    /// <summary>
    /// Those of the connections named that only may get in (a rule the dump cannot decide, as a recent
    /// list no dump holds: DFW607), in words (<c>via eth1</c>); null when every one surely does (oracle F58).
    /// </summary>
    public string? Uncertain { get; init; }
}

/// <summary>
/// A legacy link on one port: declared by Docker (the client's <c>HostConfig.Links</c> names the
/// server, which exposes the port), or an opening with a link's shape found in the rules, or both.
/// </summary>
public sealed record LinkReport(string Network, string ClientIp, string ServerIp, string Protocol, int Port)
{
    public string? Client { get; init; }

    public string? Server { get; init; }

    /// <summary>Whether Docker declares this link on this port; null when Docker's view is inferred from the rules, and in IPv6 (Docker writes link rules in IPv4 only).</summary>
    public bool? Declared { get; init; }

    /// <summary>
    /// True when every new connection from the client to the server on the port passes and its
    /// replies come back, false when none passes, null when partial (<see cref="PartialFlows"/>) or
    /// unknown.
    /// </summary>
    public bool? Open { get; init; }

    /// <summary>The flows that pass when only some do.</summary>
    public ImmutableArray<AllowedFlow>? PartialFlows { get; init; }

    /// <summary>What the rules let the server open to the client (<see cref="LinkReverse"/>).</summary>
    public string Reverse { get; init; } = LinkReverse.None;
}

/// <summary>
/// The words for the way back of a link: new packets from the server to the client. Docker's reply
/// rule (<c>--sport PORT</c>) accepts those from the exposed port, to any port of the client.
/// </summary>
public static class LinkReverse
{
    /// <summary>None passes.</summary>
    public const string None = "none";

    /// <summary>Every one from the exposed source port passes, and no other: the reply rule Docker writes.</summary>
    public const string SourcePort = "source-port";

    /// <summary>Some of those from the exposed source port pass, and no other.</summary>
    public const string Partial = "partial";

    /// <summary>Some from other source ports pass too (icc, or another rule).</summary>
    public const string Wider = "wider";
}

/// <summary>Where the admin's DOCKER-USER chain is hooked in, if at all.</summary>
public sealed record DockerUserReport(bool ChainPresent, int? JumpFromForwardPosition, bool JumpIsFirst, ImmutableArray<string> Rules);
