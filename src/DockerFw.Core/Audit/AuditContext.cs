using System.Collections.Immutable;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Policy;
using DockerFw.Core.Semantics.IpSets;

namespace DockerFw.Core.Audit;

/// <summary>
/// What an audit looks at: the IPv4 and IPv6 rulesets (either may be empty), the Docker view (from
/// the Engine, or inferred), and the host settings no dump shows.
/// </summary>
public sealed record AuditContext(Ruleset V4, Ruleset V6, DockerView View, HostSettings Host)
{
    /// <summary>
    /// Rules of the other iptables back end (iptables-legacy beside iptables-nft, or the reverse), when
    /// both hold tables: the kernel runs both for every packet. <see cref="V4"/> and <see cref="V6"/>
    /// already hold them hooked in (<see cref="Host.OtherBackendTables"/>), so every fact is judged on
    /// both; these dumps are kept apart to say which back end decides what.
    /// </summary>
    public ImmutableArray<Ruleset> OtherBackends { get; init; } = [];

    /// <summary>
    /// The policy the host is judged against as well (<c>audit --policy</c>), resolved through the
    /// same Docker view the audit uses; null for Docker's own intent alone.
    /// </summary>
    public ResolvedPolicy? Policy { get; init; }

    /// <summary>The host's docker-proxy listeners (read, assumed from Docker's view, or unknown).</summary>
    public Core.Host.ProxyListeners Proxies { get; init; } = Core.Host.ProxyListeners.Unknown;

    /// <summary>False when no IPv6 rules were read: <see cref="V6"/> is then empty for want of a dump, not because the host has none.</summary>
    public bool Ipv6Read { get; init; } = true;

    /// <summary>Whether the report carries the container-by-container matrix (costlier on big hosts).</summary>
    public bool ContainerMatrix { get; init; }

    /// <summary>The host's routes and policy rules when read whole (live mode, a bundle, --routes); null otherwise.</summary>
    public Semantics.Routing.RoutingTable? Routes { get; init; }

    /// <summary>The members of the host's ipsets by name (single-address sets), when read; the rest "may match".</summary>
    public ImmutableDictionary<string, IpSetMembers> IpSets { get; init; } =
        ImmutableDictionary<string, IpSetMembers>.Empty;

    /// <summary>flannel's subnet.env when it was read; null: the fabric checks infer flannel from its rules.</summary>
    public Fabric.FlannelConfig? Flannel { get; init; }
}
