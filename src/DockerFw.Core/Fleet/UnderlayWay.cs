using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Routing;

namespace DockerFw.Core.Fleet;

/// <summary>How a host's routes send a packet toward a peer's container.</summary>
public enum WayKind
{
    /// <summary>Out of a point-to-point tunnel whose far end is the peer.</summary>
    Tunnel,

    /// <summary>Out of an underlay device to a gateway that is the peer's address (a host route).</summary>
    Routed,

    /// <summary>Onto one of the sender's own bridges: the peer's subnet overlaps a local one.</summary>
    OwnBridge,

    /// <summary>
    /// Onto one of the sender's own bridges, which has a layer-2 tunnel (gretap, vxlan) to the peer as a
    /// port: the bridges are one segment, the packets are bridged (br_netfilter's FORWARD from the bridge
    /// to itself on each host), and the tunnel's outer packets carry them.
    /// </summary>
    Bridged,

    /// <summary>No route, an unroutable one, or one to an address of the sender itself.</summary>
    NoRoute,

    /// <summary>A route that leads somewhere the bundles do not show (a router, an on-link subnet): undecided.</summary>
    Elsewhere,
}

/// <summary>
/// The underlay step of a cell: the sender's route to the destination, what it leads to, and for a
/// tunnel the outer packet (its addresses, protocol and port) and the devices it leaves and enters by.
/// </summary>
/// <param name="OutDevice">The device the inner packet leaves the sender by (the tunnel, or the underlay device).</param>
/// <param name="PeerInDevice">The device the inner packet enters the peer by; null when not found.</param>
/// <param name="MasqueradeSource">The sender's address on <paramref name="OutDevice"/>: the source a MASQUERADE there gives.</param>
/// <param name="Because">Writes the reason: written only when it is read (a fleet of 1,000 hosts finds some 6 million ways, most never printed).</param>
public sealed record UnderlayWay(WayKind Kind, Route? Route, string? OutDevice, string? PeerInDevice, UInt128? MasqueradeSource, Func<string> Because)
{
    private string? _reason;

    public string Reason => _reason ??= Because();

    /// <summary>The route as <c>ip route</c> would print it, written once per route (the routes are the hosts' summaries').</summary>
    public static string Text(Route route) => RouteTexts.GetValue(route, r => r.ToString());

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Route, string> RouteTexts = new();

    public HostLink? Tunnel { get; init; }

    public OuterPacket? Outer { get; init; }

    /// <summary>For a bridged way, the peer's tunnel back, a port of its bridge.</summary>
    public HostLink? PeerTunnel { get; init; }

    public bool Reaches => Kind is WayKind.Tunnel or WayKind.Routed or WayKind.Bridged;

    /// <summary>
    /// A third host of the fleet the way leads to instead of the peer (a route's gateway, a tunnel's far
    /// end): the way is undecided all the same, since a cell is judged on its two hosts only.
    /// </summary>
    public string? Via { get; init; }

    /// <param name="owner">The fleet's host owning an address, to name a third host the way leads to; null: not known.</param>
    public static UnderlayWay Find(HostSummary from, HostSummary to, UInt128 destination, Func<UInt128, string?>? owner = null)
    {
        string? third(UInt128 address) => owner?.Invoke(address) is { } host && host != from.Name && host != to.Name ? host : null;
        string ip() => IpAddressValue.Format(destination, IpFamily.V4);
        if (from.Routes.IsEmpty)
            return new(WayKind.Elsewhere, null, null, null, null, () => $"{from.Name}'s bundle holds no routes");
        var route = RouteIndex.Lookup(from.Routes, destination);
        if (route is null)
            return new(WayKind.NoRoute, null, null, null, null, () => $"{from.Name} has no route to {ip()}");
        if (route.Type != RouteType.Unicast)
            return new(WayKind.NoRoute, route, null, null, null, () => $"{from.Name} routes {ip()} by '{Text(route)}', which does not send it on");
        if (route.Device is { } dev && from.NetworkOnBridge(dev) is { } own)
            return Bridged(from, to, route, dev, destination) ?? new(WayKind.OwnBridge, route, dev, null, null, () => $"{from.Name} routes {ip()} onto its own network {own.Name} ({own.Subnet}) by '{Text(route)}'");
        var link = route.Device is null ? null : from.Link(route.Device);
        var source = SourceOn(from, route);
        if (link is { IsTunnel: true })
        {
            if (!to.Owns(link.Remote!.Value))
                return third(link.Remote.Value) is { } via
                    ? new(WayKind.Elsewhere, route, link.Name, null, null,
                        () => $"{from.Name} routes {ip()} into the tunnel {link.Name}, whose far end {IpAddressValue.Format(link.Remote.Value, IpFamily.V4)} is {via}, not {to.Name}: {ThirdHost(via)}") { Via = via }
                    : new(WayKind.Elsewhere, route, link.Name, null, null,
                        () => $"{from.Name} routes {ip()} into the tunnel {link.Name}, whose far end {IpAddressValue.Format(link.Remote.Value, IpFamily.V4)} is no address of {to.Name}");
            var outer = OuterPacket.Of(from, link);
            var peerTunnel = to.Links.FirstOrDefault(l => l.IsTunnel && l.Kind == link.Kind && from.Owns(l.Remote!.Value) && (l.Local is null || l.Local == link.Remote));
            return new(WayKind.Tunnel, route, link.Name, peerTunnel?.Name, source,
                () => peerTunnel is null ? $"{to.Name} has no {link.Kind} tunnel back to {from.Name}: the packets it decapsulates arrive on no device fleet can name" : $"by '{Text(route)}'")
            {
                Tunnel = link,
                Outer = outer,
            };
        }

        if (route.Gateway is { } gateway && to.Owns(gateway))
            return new(WayKind.Routed, route, route.Device, to.InterfaceOf(gateway), source, () => $"by '{Text(route)}'");
        // A connected route to the peer's own address (a reply to a masqueraded source): on the link.
        if (route.Gateway is null && to.Owns(destination))
            return new(WayKind.Routed, route, route.Device, to.InterfaceOf(destination), source, () => $"by '{Text(route)}'");
        if (route.Gateway is { } gw && third(gw) is { } host)
            return new(WayKind.Elsewhere, route, route.Device, null, source,
                () => $"{from.Name} sends {ip()} to {IpAddressValue.Format(gw, IpFamily.V4)} by '{Text(route)}', an address of {host}, not of {to.Name}: {ThirdHost(host)}") { Via = host };
        return new(WayKind.Elsewhere, route, route.Device, null, source, () => route.Gateway is { } g
            ? $"{from.Name} sends {ip()} to {IpAddressValue.Format(g, IpFamily.V4)} by '{Text(route)}', an address of no host of the fleet: whether it forwards it to {to.Name} is not in the bundles"
            : $"{from.Name} sends {ip()} on the link {route.Device} by '{Text(route)}' without a gateway: it reaches {to.Name} only if a host there answers ARP for it");
    }

    // Why a way through a third host is not judged: its rules and routes would be a third leg, and its
    // conntrack may see one direction of the connection alone (oracle F46), which a cell does not ask.
    private static string ThirdHost(string via) =>
        $"fleet judges a connection on its two hosts' ways only, not through {via} (whose routes, rules and conntrack, which may see one direction alone, would decide it too)";

    // A bridge with a layer-2 tunnel to the peer as a port: the peer's bridge holding the destination,
    // with the tunnel back as its port, receives the frames. Docker's MASQUERADE (! -o docker0) does not
    // touch bridged packets: no masquerade source.
    private static UnderlayWay? Bridged(HostSummary from, HostSummary to, Route route, string bridge, UInt128 destination)
    {
        if (from.BridgedTunnelTo(bridge, to) is not { } port) return null;
        var back = to.Networks.Select(n => (Network: n, Port: to.BridgedTunnelTo(n.Bridge, from)))
            .FirstOrDefault(p => p.Port is not null && p.Network.Bounds.First <= destination && destination <= p.Network.Bounds.Last);
        return new(WayKind.Bridged, route, bridge, back.Network?.Bridge, null,
            () => back.Port is null
                ? $"{from.Name} bridges {IpAddressValue.Format(destination, IpFamily.V4)} into the tunnel {port.Name}, but no bridge of {to.Name} holding it has a tunnel back to {from.Name} as a port"
                : $"by '{Text(route)}'")
        {
            Tunnel = port,
            Outer = OuterPacket.Of(from, port),
            PeerTunnel = back.Port,
        };
    }

    // MASQUERADE takes the out device's address; the one in the gateway's subnet when there are several.
    private static UInt128? SourceOn(HostSummary from, Route route)
    {
        if (route.Device is null) return null;
        var onDevice = from.AddressesOn(route.Device);
        return (route.Gateway is { } g ? onDevice.FirstOrDefault(a => AddressMask.FromPrefix(IpFamily.V4, a.Network, a.PrefixLength).Contains(g)) : null)?.Address
            ?? onDevice.FirstOrDefault()?.Address;
    }
}

/// <summary>
/// A tunnel's outer packet: from the sender's underlay address to the peer's, GRE (IP protocol 47) or
/// UDP to the VXLAN port, leaving by <paramref name="Device"/>, the sender's route to the far end.
/// </summary>
public sealed record OuterPacket(UInt128 Source, UInt128 Destination, int Protocol, int? Port, string? Device)
{
    /// <summary>Linux's VXLAN port when none is given (the IANA port, 4789, must be asked for).</summary>
    public const int LinuxVxlanPort = 8472;

    public static OuterPacket Of(HostSummary from, HostLink tunnel)
    {
        var remote = tunnel.Remote!.Value;
        var route = RouteIndex.Lookup(from.Routes, remote);
        var source = tunnel.Local ?? (route?.Device is { } device ? from.AddressesOn(device).FirstOrDefault()?.Address : null) ?? 0;
        var kind = TunnelKind.Of(tunnel.Kind)!;
        return new OuterPacket(source, remote, kind.OuterProtocol, kind.OuterProtocol == Model.Values.Protocol.Udp ? tunnel.Port ?? LinuxVxlanPort : null, route?.Device);
    }

    /// <summary>
    /// The conntrack states the tunnel's outer packets have, either way. GRE is tracked by its
    /// addresses (no ports; keys of 0 outside PPTP), so the packets of one direction are the replies of
    /// the other's: NEW until the far end has spoken, ESTABLISHED after, whichever end speaks first.
    /// VXLAN's UDP goes to the peer's VXLAN port from a source port hashed from the inner flow, so the
    /// two directions are two flows, neither ever answered: NEW.
    /// </summary>
    public Model.Values.ConntrackStates State =>
        Protocol == Model.Values.Protocol.Gre ? Model.Values.ConntrackStates.New | Model.Values.ConntrackStates.Established : Model.Values.ConntrackStates.New;

    public string Display =>
        $"{(Protocol == Model.Values.Protocol.Gre ? "gre" : $"udp/{Port}")} {IpAddressValue.Format(Source, IpFamily.V4)} -> {IpAddressValue.Format(Destination, IpFamily.V4)}";
}
