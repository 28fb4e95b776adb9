using System.Collections.Immutable;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.IpSets;

namespace DockerFw.Core.Semantics;

/// <summary>
/// What an iptables dump cannot tell and the host can: its addresses, the members of its ipsets,
/// whether br_netfilter hands bridged frames to iptables. Whatever is left unknown makes the
/// conditions that depend on it "may match"; the engine never guesses it.
/// </summary>
public sealed record EvaluationContext
{
    public static EvaluationContext Unknown { get; } = new();

    /// <summary>
    /// Every address of the host, by interface; null when unknown. When given it is taken as
    /// complete: an address not listed (outside 127.0.0.0/8 and ::1) is not local.
    /// </summary>
    public ImmutableArray<InterfaceAddress>? Addresses { get; init; }

    /// <summary>ipset members by set name: the addresses of the sets that test one address, the tuples of hash:ip,port and its kin.</summary>
    public ImmutableDictionary<string, IpSetMembers> IpSets { get; init; } =
        ImmutableDictionary<string, IpSetMembers>.Empty;

    /// <summary>
    /// <c>net.bridge.bridge-nf-call-iptables</c> (or the bridge's own <c>nf_call_iptables</c>):
    /// null when unknown.
    /// </summary>
    public bool? BridgeNetfilter { get; init; }

    /// <summary>
    /// The host's routes and policy rules (<c>ip -j route show table all</c>, <c>ip -j rule</c>), when
    /// read; only a complete table (every route, not the connected ones made from addresses) is an
    /// answer for the reverse-path check (<see cref="ReturnPaths"/>). Null when unknown.
    /// </summary>
    public Routing.RoutingTable? Routes { get; init; }

    public bool AddressesKnown => Addresses is not null;

    public IEnumerable<InterfaceAddress> AddressesOf(string interfaceName, IpFamily family) =>
        (Addresses ?? []).Where(a => a.Interface == interfaceName && a.Family == family);
}
