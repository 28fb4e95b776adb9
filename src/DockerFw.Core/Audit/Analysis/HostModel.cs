using System.Collections.Immutable;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.IpSets;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// The host as the audit's probes see it. A dump does not say which addresses are local, and
/// <c>-m addrtype --dst-type LOCAL</c> (Docker's DNAT hook) depends on it, so the audit states one
/// model and keeps to it: an uplink interface with a name no rule mentions and a documentation
/// address (plus every host address a port is published on), loopback, and each bridge's gateway.
/// Container addresses are never local, which is all the reachability questions depend on.
/// Its kernel settings are applied here, once, for every symbolic question the audit asks: on a host
/// that forwards nothing (<c>net.ipv4.ip_forward=0</c>) only what a bridge switches passes FORWARD
/// (<see cref="Compile"/>), so published ports, outbound traffic, masquerade and the matrices agree.
/// </summary>
public sealed class HostModel
{
    public const string Uplink = "dfw-uplink0";

    public static readonly UInt128 UplinkAddress = IpAddressValue.Parse("198.18.0.1", IpFamily.V4);

    /// <summary>A client out on the uplink side, and a destination on the internet.</summary>
    public static readonly UInt128 RemoteClient = IpAddressValue.Parse("198.18.0.100", IpFamily.V4);

    public static readonly UInt128 InternetAddress = IpAddressValue.Parse("198.19.7.7", IpFamily.V4);

    /// <summary>The client out on the uplink side in either family (IPv6: on the uplink's /64).</summary>
    public static UInt128 RemoteClientOf(IpFamily family) =>
        family == IpFamily.V4 ? RemoteClient : IpAddressValue.Parse("2001:db8::100", IpFamily.V6);

    /// <summary>A destination on the internet in either family (IPv6: documentation space off the uplink's /64).</summary>
    public static UInt128 InternetAddressOf(IpFamily family) =>
        family == IpFamily.V4 ? InternetAddress : IpAddressValue.Parse("2001:db8:7::7", IpFamily.V6);

    /// <summary>The uplink's address in IPv6: the documentation prefix.</summary>
    public static readonly UInt128 UplinkAddressV6 = IpAddressValue.Parse("2001:db8::1", IpFamily.V6);

    public HostModel(IReadOnlyList<AuditedNetwork> networks, IEnumerable<UInt128> publishedHostAddresses, IpFamily family = IpFamily.V4,
        bool forwards = true)
    {
        Forwards = forwards;
        Bridges = [.. networks.Select(n => n.Bridge)];
        var addresses = ImmutableArray.CreateBuilder<InterfaceAddress>();
        if (family == IpFamily.V6)
        {
            addresses.Add(new InterfaceAddress(Uplink, IpFamily.V6, UplinkAddressV6, 64));
            foreach (var extra in publishedHostAddresses.Distinct().Where(a => a != UplinkAddressV6 && a != 1))
                addresses.Add(new InterfaceAddress(Uplink, IpFamily.V6, extra, 128));
            addresses.Add(new InterfaceAddress("lo", IpFamily.V6, 1, 128));
        }
        else
        {
            addresses.Add(new InterfaceAddress(Uplink, IpFamily.V4, UplinkAddress, 24));
            foreach (var extra in publishedHostAddresses.Distinct().Where(a => a != UplinkAddress && a >> 24 != 127))
                addresses.Add(new InterfaceAddress(Uplink, IpFamily.V4, extra, 32));
            addresses.Add(new InterfaceAddress("lo", IpFamily.V4, IpAddressValue.Parse("127.0.0.1", IpFamily.V4), 8));
        }

        foreach (var n in networks)
            addresses.Add(new InterfaceAddress(n.Bridge, family, n.Gateway, n.Subnet?.PrefixLength ?? 24));
        Addresses = addresses.ToImmutable();

        LocalAddresses = MayBeLocal(networks.Where(n => n.Subnet is not null).Select(n => (n.Subnet!, (UInt128?)n.Gateway)), family);
        _outsideSubnets = new(() => MayBeLocal(networks.Where(n => n.Subnet is not null).Select(n => (n.Subnet!, (UInt128?)null)), family));
    }

    private readonly Lazy<IntervalSet> _outsideSubnets;

    /// <summary>
    /// <see cref="LocalAddresses"/> but the gateways: every address outside the container subnets.
    /// For questions about container addresses alone (see <see cref="SymbolicPasses"/>), where a
    /// gateway is no answer's concern: with the gateways local, <c>--dst-type LOCAL</c> cuts any set
    /// of destinations that spans the subnets into N gateways and N stretches between them.
    /// </summary>
    public IntervalSet LocalOutsideSubnets => _outsideSubnets.Value;

    /// <summary>
    /// Every address the host may have, given the container subnets: everything outside them may be
    /// local; inside them only the gateways are (a dump does not say which addresses are the host's).
    /// </summary>
    public static IntervalSet MayBeLocal(IEnumerable<(AddressMask Subnet, UInt128? Gateway)> subnets, IpFamily family)
    {
        // Every subnet's ranges gathered, then merged once: a union per subnet copied the growing set
        // each time, quadratic in the networks (20,000 of them spent most of the audit's start here).
        var ranges = new List<(UInt128 First, UInt128 Last)>();
        foreach (var (subnet, gateway) in subnets)
        {
            var (first, last) = subnet.Bounds;
            if (gateway is { } g && g >= first && g <= last)
            {
                if (g > first) ranges.Add((first, g - 1));
                if (g < last) ranges.Add((g + 1, last));
            }
            else ranges.Add((first, last));
        }

        return IntervalSet.FromRanges(ranges).Complement(family.AllOnes());
    }

    public ImmutableArray<InterfaceAddress> Addresses { get; }

    /// <summary>The members of the host's ipsets, when read: <c>-m set</c> is exact for them (Docker 28 marks its bridges with sets).</summary>
    public ImmutableDictionary<string, IpSetMembers> IpSets { get; init; } = ImmutableDictionary<string, IpSetMembers>.Empty;

    /// <summary>False when the host is known to route nothing of the family (ip_forward=0): bridges still switch.</summary>
    public bool Forwards { get; }

    public ImmutableArray<string> Bridges { get; }

    /// <summary>The host's addresses on the uplink: where a port bound to every address is reached from outside.</summary>
    public IntervalSet UplinkAddresses => Addresses.Where(a => a.Interface == Uplink)
        .Aggregate(IntervalSet.Empty, (s, a) => s.Union(IntervalSet.Single(a.Address)));

    /// <summary>
    /// A ruleset compiled for the audit's symbolic questions on this host: its bridges and uplink in the
    /// interface alphabet, its local addresses for <c>addrtype</c>, and its forwarding setting.
    /// </summary>
    /// <param name="interfaces">Names beyond the host's: two rulesets compiled with the same names share one packet space.</param>
    /// <param name="local">The addresses <c>--dst-type LOCAL</c> holds for, when not <see cref="LocalAddresses"/>.</param>
    public SymbolicRuleset Compile(Model.Ruleset ruleset, ReachDetail detail = ReachDetail.Rules, IEnumerable<InterfacePattern>? interfaces = null,
        IntervalSet? local = null)
    {
        var rules = SymbolicRuleset.Compile(ruleset, Bridges.Select(b => new InterfacePattern(b)).Append(new InterfacePattern(Uplink)).Concat(interfaces ?? []),
            local ?? LocalAddresses, detail, Addresses, Routes, IpSets);
        return Forwards ? rules : rules.WithoutForwarding(Bridges);
    }

    /// <summary>The addresses <c>--dst-type LOCAL</c> holds for in symbolic queries.</summary>
    public IntervalSet LocalAddresses { get; }

    public EvaluationContext Context(bool? bridgeNetfilter) => new() { Addresses = Addresses, BridgeNetfilter = bridgeNetfilter, Routes = Routes, IpSets = IpSets };

    /// <summary>
    /// The real host's routes, when read whole (live mode, a bundle, --routes): the reverse-path check
    /// asks them for the interfaces they name (the bridges), the model's addresses for the others.
    /// </summary>
    public Semantics.Routing.RoutingTable? Routes { get; init; }
}
