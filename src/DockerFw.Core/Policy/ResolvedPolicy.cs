using System.Collections.Immutable;
using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.IpSets;
using DockerFw.Core.Text;

namespace DockerFw.Core.Policy;

/// <summary>A container on one network: the address it has there now.</summary>
public sealed record ContainerOnNetwork(DockerContainer Container, DockerNetwork Network, UInt128 Address)
{
    /// <summary>Its IPv6 address there, on a dual-stack network.</summary>
    public UInt128? AddressV6 { get; init; }

    /// <summary>The address of a family, or null when it has none in that family.</summary>
    public UInt128? AddressOf(IpFamily family) => family == IpFamily.V4 ? Address : AddressV6;
}

/// <summary>An isolation exception: <see cref="From"/>'s containers may open connections to <see cref="To"/>'s.</summary>
public sealed record NetworkException(DockerNetwork From, DockerNetwork To, PortSpec? Port)
{
    /// <summary>Where the <c>allow</c> was written, for the findings it makes intended.</summary>
    public SourceSpan At { get; init; } = SourceSpan.None;
}

/// <summary>An icc exception on one network: one container may open connections to another.</summary>
public sealed record ContainerException(ContainerOnNetwork From, ContainerOnNetwork To, PortSpec? Port);

/// <summary>
/// A legacy link Docker opens and the policy keeps (stated with <c>link</c>, or on a network the policy
/// does not mention): <see cref="Client"/> may open the server's exposed <see cref="Ports"/>, and
/// <see cref="Server"/> may send from them to the client, as Docker's link and reply rules let it.
/// </summary>
public sealed record KeptLink(ContainerOnNetwork Client, ContainerOnNetwork Server, ImmutableArray<PortSpec> Ports);

/// <summary>What the policy says about one network; a null setting leaves Docker's own.</summary>
public sealed record NetworkPolicy(DockerNetwork Network, bool? Icc, bool? Masquerade, ImmutableArray<ContainerException> Exceptions)
{
    /// <summary>Where the masquerade setting (else the block) was written, for conflicts the plan reports.</summary>
    public SourceSpan At { get; init; } = SourceSpan.None;

    /// <summary>Where <c>icc on|off</c> was written, for the findings it makes intended.</summary>
    public SourceSpan IccAt { get; init; } = SourceSpan.None;
}

/// <summary>A published port restricted to host addresses or client sources.</summary>
public sealed record PublishPolicy(
    DockerContainer Container,
    PortBinding Binding,
    ImmutableArray<UInt128> ContainerAddresses,
    PublishRestriction Restriction,
    ImmutableArray<AddressMask> Addresses)
{
    /// <summary>The container's IPv6 addresses, on dual-stack networks.</summary>
    public ImmutableArray<UInt128> ContainerAddressesV6 { get; init; } = [];

    public ImmutableArray<UInt128> ContainerAddressesOf(IpFamily family) => family == IpFamily.V4 ? ContainerAddresses : ContainerAddressesV6;

    /// <summary>Where the <c>publish</c> was written, for the findings it makes intended.</summary>
    public SourceSpan At { get; init; } = SourceSpan.None;
}

/// <summary>
/// A policy whose names are resolved against a Docker view: networks, containers, bridges and addresses
/// as they are now. Every bridge network is isolated from every other except <see cref="Exceptions"/>.
/// </summary>
public sealed record ResolvedPolicy(
    string File,
    ImmutableArray<DockerNetwork> Bridges,
    ImmutableArray<NetworkException> Exceptions,
    ImmutableArray<NetworkPolicy> Networks,
    ImmutableArray<PublishPolicy> Publishes,
    DockerUserDefault DockerUserDefault)
{
    /// <summary>Every running container on a bridge network, once per network it is on.</summary>
    public ImmutableArray<ContainerOnNetwork> Members { get; init; } = [];

    /// <summary>Docker's legacy links the policy keeps (every one it declares, unless a network block leaves it out).</summary>
    public ImmutableArray<KeptLink> Links { get; init; } = [];

    /// <summary>
    /// The members of the host's ipsets (read live or with <c>--ipsets</c>), which the plan's proof
    /// keeps: a plan changes rules, never a set, so the after-state's <c>-m set</c> asks the same members.
    /// </summary>
    public ImmutableDictionary<string, IpSetMembers> IpSets { get; init; } =
        ImmutableDictionary<string, IpSetMembers>.Empty;

    /// <summary>
    /// The host's routes when read whole (live, a bundle, <c>--routes</c>), which the plan's proof
    /// asks as the audit does: the reverse-path check's way back, and the host's own addresses on a
    /// bridge (table local), no container's (oracle F36, F40). Null: not read; the check stays open.
    /// </summary>
    public Semantics.Routing.RoutingTable? Routes { get; init; }

    /// <summary>
    /// The host's kernel settings (read live or from a bundle, <c>--sysctl</c>), of which the plan's
    /// proof asks <c>rp_filter</c> as <c>audit --policy</c> does: a client a strict reverse-path filter
    /// drops on an interface is nobody the publish rule is about there (<see cref="Audit.Analysis.ReversePathFilter"/>).
    /// </summary>
    public Audit.HostSettings Settings { get; init; } = Audit.HostSettings.Unknown;

    /// <summary>
    /// The host's tables a plan for iptables does not write, one ruleset per family read: the native nft
    /// tables (firewalld's <c>inet firewalld</c>) and the other iptables back end's, which the kernel runs
    /// beside iptables' for every packet (<see cref="Host.LoadedHost.Of"/>). The plan's proof judges its
    /// after-state with them as they are (<see cref="Whole"/>), as <c>audit --policy</c> judges the host:
    /// a proof on iptables' tables alone is a sample of the host. Empty: none were read.
    /// </summary>
    public ImmutableArray<Model.Ruleset> Unwritten { get; init; } = [];

    /// <summary>The rules a plan writes (iptables-save's tables after it), with the host's tables it does not write.</summary>
    public Model.Ruleset Whole(Model.Ruleset written) => Unwritten.Where(r => r.Family == written.Family)
        .Aggregate(written, (whole, other) => whole with { Tables = [.. whole.Tables, .. other.Tables] });

    /// <summary>Where <c>docker-user default</c> was written (none: the default <c>return</c>).</summary>
    public SourceSpan DockerUserAt { get; init; } = SourceSpan.None;

    /// <summary>Some bridge network has an IPv6 subnet or some container an IPv6 address: the policy has an ip6tables half.</summary>
    public bool HasIpv6 => Bridges.Any(b => b.SubnetsOf(IpFamily.V6).Any()) || Members.Any(m => m.AddressV6 is not null);

    public NetworkPolicy? PolicyOf(DockerNetwork network) => Networks.FirstOrDefault(n => n.Network.Id == network.Id);
}
