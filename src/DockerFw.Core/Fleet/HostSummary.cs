using System.Collections.Immutable;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Routing;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Fleet;

/// <summary>A bridge network of one host with its IPv4 subnet: what a peer routes to.</summary>
public sealed record FleetNetwork(string Host, string Name, string Bridge, AddressMask Subnet, UInt128 Gateway, bool IsDefaultBridge)
{
    /// <summary>Its container addresses: the subnet but the gateway.</summary>
    public (UInt128 First, UInt128 Last) Bounds => Subnet.Bounds;

    /// <summary>
    /// Where the network is one segment with a peer's (a layer-2 tunnel to it is a port of its bridge),
    /// the part of the shared subnet this host's containers take their addresses from: its IPRange
    /// (<c>--fixed-cidr</c> for docker0), else its containers' addresses. Null for any other network.
    /// </summary>
    public IntervalSet? Own { get; init; }

    /// <summary>The network's IPRange, named in <see cref="Display"/> when <see cref="Own"/> is it.</summary>
    public AddressMask? Pool { get; init; }

    /// <summary>
    /// The addresses the network gives its containers on this host, as a rule names them: its IPRange where
    /// it has one (its part of a segment shared with a peer), else its subnet. A remedy names it, not the
    /// containers running now: a container started later takes another address of it.
    /// </summary>
    public AddressMask Block => Pool ?? Subnet;

    public string Display => Pool is { } pool ? $"{Host}/{Name} ({pool} of {Subnet})" : $"{Host}/{Name} ({Subnet})";
}

/// <summary>A container's address on one bridge network of one host.</summary>
public sealed record FleetContainer(string Host, string Name, FleetNetwork Network, UInt128 Address)
{
    public string Display => $"{Host}/{Name}";
}

/// <summary>
/// What the rest of a fleet needs of one host, without its rules (small enough to keep for every
/// host while one host's rules at a time are judged): its networks and containers, its addresses,
/// links and routes, and whether it forwards.
/// </summary>
public sealed record HostSummary(
    string Name,
    ImmutableArray<FleetNetwork> Networks,
    ImmutableArray<FleetContainer> Containers,
    ImmutableArray<InterfaceAddress> Addresses,
    ImmutableArray<HostLink> Links,
    RoutingTable Routes,
    bool? Forwards)
{
    public static HostSummary Of(FleetHost host)
    {
        var view = host.Host.Docker;
        var running = view.Containers.Where(c => c.Running).SelectMany(c => c.Endpoints.Select(e => (c, e))).ToList();
        var networks = view.Networks
            .Select(n => n.Bridge is { } bridge && n.SubnetsOf(IpFamily.V4).FirstOrDefault() is { } s
                ? Segment(host, new FleetNetwork(host.Name, n.Name, bridge, s.Network, s.Gateway ?? s.Network.Bounds.First + 1, n.IsDefaultBridge),
                    running.Where(x => x.e.Network == n.Name).Select(x => x.e.Ipv4).OfType<UInt128>())
                : null)
            .OfType<FleetNetwork>().ToImmutableArray();
        var containers = running
            .Select(x => networks.FirstOrDefault(n => n.Name == x.e.Network) is { } n && x.e.Ipv4 is { } a ? new FleetContainer(host.Name, x.c.Name, n, a) : null)
            .OfType<FleetContainer>().ToImmutableArray();
        var addresses = host.Host.Addresses ?? host.Host.Routes.LocalAddresses() ?? [];
        return new HostSummary(host.Name, networks, containers, [.. addresses.Where(a => a.Family == IpFamily.V4)], host.Links,
            host.Host.Routes, host.Host.Settings.Forwarding(IpFamily.V4))
        {
            Flannel = host.Host.Flannel ?? Audit.Fabric.FlannelConfig.Infer(host.Host.RulesetOrEmpty(IpFamily.V4)),
            Swarm = view.Swarm,
            Weave = Audit.Fabric.WeaveConfig.Infer(host.Host.RulesetOrEmpty(IpFamily.V4)) is not null
                || host.Links.Any(l => l is { Name: Audit.Fabric.WeaveConfig.Bridge, Kind: "bridge" }),
            Settings = host.Host.Settings,
        };
    }

    // A bridge with a layer-2 tunnel (gretap, vxlan with a remote) as a port is one segment with the
    // peer's: the subnet is shared, and this host's part of it is its IPRange, else its containers.
    private static FleetNetwork Segment(FleetHost host, FleetNetwork network, IEnumerable<UInt128> containers)
    {
        if (!host.Links.Any(l => l is { IsTunnel: true } && l.Master == network.Bridge && TunnelKind.Of(l.Kind)!.Layer2)) return network;
        if (host.Pools.GetValueOrDefault(network.Name) is { } pool && network.Subnet.Contains(pool.Address) && pool.PrefixLength >= network.Subnet.PrefixLength)
            return network with { Own = IntervalSet.Range(pool.Bounds.First, pool.Bounds.Last), Pool = pool };
        var own = IntervalSet.FromRanges([.. containers.Select(a => (a, a))]);
        return own.IsEmpty ? network : network with { Own = own };
    }

    /// <summary>flannel's pool and this host's lease, from its subnet.env, else as flanneld's rules name them; null without flannel.</summary>
    public Audit.Fabric.FlannelConfig? Flannel { get; init; }

    /// <summary>The host's swarm membership as docker info reports it; null when the bundle says nothing of swarm.</summary>
    public Docker.SwarmInfo? Swarm { get; init; }

    /// <summary>Whether the host runs Weave Net's router: its chains are in the rules, or its bridge among the links.</summary>
    public bool Weave { get; init; }

    /// <summary>
    /// The host's kernel settings as its bundle recorded them (sysctls.txt): whether its conntrack sees
    /// frames switched on a bridge (<see cref="ReplySight"/>); unknown settings stay null.
    /// </summary>
    public Audit.HostSettings Settings { get; init; } = Audit.HostSettings.Unknown;

    /// <summary>Whether an address is one of this host's own.</summary>
    public bool Owns(UInt128 address) => Index.Of(this).ByAddress.ContainsKey(address);

    /// <summary>The interface holding one of the host's addresses.</summary>
    public string? InterfaceOf(UInt128 address) => Index.Of(this).ByAddress.GetValueOrDefault(address)?.Interface;

    /// <summary>The host's addresses on one device, in their order.</summary>
    public IReadOnlyList<InterfaceAddress> AddressesOn(string device) => Index.Of(this).ByDevice.GetValueOrDefault(device) ?? [];

    public HostLink? Link(string name) => Index.Of(this).Links.GetValueOrDefault(name);

    /// <summary>A bridge network of the host by its bridge device.</summary>
    public FleetNetwork? NetworkOnBridge(string bridge) => Index.Of(this).Bridges.GetValueOrDefault(bridge);

    /// <summary>
    /// The layer-2 tunnel (gretap, vxlan) that is a port of <paramref name="bridge"/> and whose far end
    /// is one of <paramref name="peer"/>'s addresses: the bridge reaches into the peer's, frames and all.
    /// </summary>
    public HostLink? BridgedTunnelTo(string bridge, HostSummary peer) =>
        Index.Of(this).BridgePorts.GetValueOrDefault(bridge)?.FirstOrDefault(l => peer.Owns(l.Remote!.Value));

    /// <summary>The MTU of a device, 0 when the links were not read.</summary>
    public int MtuOf(string device) => Link(device)?.Mtu ?? 0;

    // The summary's lists by key, made once per summary: a fleet of N asks each host's some 6N times.
    // Each key keeps its first entry, as the lists' FirstOrDefault did. Kept beside the record, not in
    // it, so that equal summaries stay equal.
    private sealed class Index
    {
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<HostSummary, Index> Indexes = new();

        public readonly Dictionary<UInt128, InterfaceAddress> ByAddress = [];
        public readonly Dictionary<string, List<InterfaceAddress>> ByDevice = [];
        public readonly Dictionary<string, HostLink> Links = [];
        public readonly Dictionary<string, FleetNetwork> Bridges = [];
        public readonly Dictionary<string, List<HostLink>> BridgePorts = [];

        public static Index Of(HostSummary host) => Indexes.GetValue(host, h => new Index(h));

        private Index(HostSummary host)
        {
            foreach (var a in host.Addresses)
            {
                ByAddress.TryAdd(a.Address, a);
                if (!ByDevice.TryGetValue(a.Interface, out var on)) ByDevice[a.Interface] = on = [];
                on.Add(a);
            }

            foreach (var l in host.Links)
            {
                Links.TryAdd(l.Name, l);
                if (l is not { IsTunnel: true, Master: { } bridge } || !TunnelKind.Of(l.Kind)!.Layer2) continue;
                if (!BridgePorts.TryGetValue(bridge, out var ports)) BridgePorts[bridge] = ports = [];
                ports.Add(l);
            }

            foreach (var n in host.Networks) Bridges.TryAdd(n.Bridge, n);
        }
    }
}
