using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics;

/// <summary>
/// One concrete packet as the rules see it. Ports apply to tcp/udp/sctp/udplite/dccp, the ICMP type
/// and code to icmp/ipv6-icmp. Interfaces are null where the hook has none (no input interface on
/// OUTPUT, no output interface on PREROUTING). <see cref="PhysIn"/>/<see cref="PhysOut"/> are the bridge
/// ports when the packet was bridged and br_netfilter handed it to iptables. An IPv6 packet carries no
/// routing, hop-by-hop or destination-options header (<see cref="BareModules.NeedsExtensionHeader"/>).
/// </summary>
public sealed record Packet(
    IpFamily Family,
    UInt128 Source,
    UInt128 Destination,
    int Protocol,
    int? SourcePort = null,
    int? DestinationPort = null,
    int? IcmpType = null,
    int? IcmpCode = null,
    string? InInterface = null,
    string? OutInterface = null,
    ConntrackStates State = ConntrackStates.New,
    uint Mark = 0,
    uint ConnMark = 0,
    TcpFlags TcpFlags = TcpFlags.Syn,
    bool Fragment = false,
    string? PhysIn = null,
    string? PhysOut = null)
{
    public bool Bridged => PhysIn is not null && PhysOut is not null;

    /// <summary>
    /// For a packet of a connection conntrack already knows (not NEW): the NAT binding it applies
    /// in place of the nat tables. Null: none.
    /// </summary>
    public ConntrackNat? ConntrackNat { get; init; }

    /// <summary>
    /// The packet travels in the reply direction of its connection (conntrack's <c>--ctdir REPLY</c>);
    /// its original tuple is then the reversed one, before the NAT that <see cref="ConntrackNat"/> undoes.
    /// </summary>
    public bool IsReply { get; init; }

    /// <summary>Fields whose value is not known (e.g. the masqueraded address a reply is sent to).</summary>
    public PacketFields UnknownFields { get; init; }
}
