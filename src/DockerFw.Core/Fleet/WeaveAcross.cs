using System.Collections.Immutable;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Fleet;

/// <summary>
/// Weave Net's peers across hosts (docs/fleet.md): every two hosts of the fleet that run Weave's router
/// must open to each other its control port (6783/tcp), sleeve's data port (6783/udp) and fastdp's VXLAN
/// port (6784/udp: "the weave port number plus 1", weaveworks/weave router/fastdp.go). Weave adds no
/// rule for its peers (its INPUT rules only keep docker0's containers off these ports on docker0's
/// address): a host's own INPUT and OUTPUT decide, judged for each pair as the swarm ports are
/// (<see cref="PeerPorts"/>). A bundle does not say which peers <c>weave launch</c> was given, so each
/// host reaches each other at the peer's address on a subnet they share (their underlay), else at the
/// peer's address on the device of its default route.
/// </summary>
public static class WeaveAcross
{
    public const int ControlPort = 6783;

    public static readonly ImmutableArray<PeerPort> Ports =
    [
        new(Protocol.Tcp, ControlPort, "Weave control"),
        new(Protocol.Udp, ControlPort, "Weave data, sleeve"),
        new(Protocol.Udp, ControlPort + 1, "Weave data, fastdp (VXLAN)"),
    ];

    /// <summary>The fleet's hosts that run Weave's router (its chains in their rules, or its bridge among their links).</summary>
    public static ImmutableArray<HostSummary> Nodes(IEnumerable<HostSummary> hosts) => [.. hosts.Where(h => h.Weave)];

    /// <summary>Every port each Weave host must open to each other, by sender, receiver, then port; pairs with no address to reach are left out.</summary>
    public static IEnumerable<(HostSummary Sender, HostSummary Receiver, UInt128 Source, UInt128 Destination, PeerPort Port)> Pairs(ImmutableArray<HostSummary> nodes) =>
        from sender in nodes
        from receiver in nodes
        where receiver.Name != sender.Name
        let ends = Ends(sender, receiver)
        where ends is not null
        from port in Ports
        select (sender, receiver, ends.Value.Source, ends.Value.Destination, port);

    public static ImmutableArray<PeerPortCell> Judge(ImmutableArray<HostSummary> nodes, IReadOnlyDictionary<string, LegAnswers> answers) =>
        [.. Pairs(nodes).Select(p => PeerPorts.Judge(p.Sender, p.Receiver, p.Source, p.Destination, p.Port, answers))];

    /// <summary>DFW782 for each Weave port a host cannot open on another, naming the host and rule that stop it.</summary>
    public static IEnumerable<FleetFinding> Findings(IEnumerable<PeerPortCell> cells) =>
        PeerPorts.Findings(cells, FleetCodes.WeavePortBlocked, "Weave peer");

    /// <summary>
    /// The addresses a Weave peer connection between two hosts uses: the receiver's address on a subnet
    /// the sender has an address on (the underlay they share), else its address on its default route's
    /// device; the source is the sender's address on the device its route to it leaves by.
    /// </summary>
    public static (UInt128 Source, UInt128 Destination)? Ends(HostSummary sender, HostSummary receiver)
    {
        var underlay = receiver.Addresses.Where(a => a.Interface != "lo" && receiver.NetworkOnBridge(a.Interface) is null && a.Interface != "weave").ToList();
        var destination = underlay.FirstOrDefault(a => sender.Addresses.Any(s => s.Interface != "lo" && sender.NetworkOnBridge(s.Interface) is null
                && s.PrefixLength == a.PrefixLength && s.Network == a.Network))
            ?? (receiver.Routes.Lookup(IpFamily.V4, 0)?.Device is { } uplink ? underlay.FirstOrDefault(a => a.Interface == uplink) : null);
        if (destination is null || sender.Routes.Lookup(IpFamily.V4, destination.Address)?.Device is not { } device) return null;
        var source = sender.AddressesOn(device).FirstOrDefault(a => a.PrefixLength == destination.PrefixLength && a.Network == destination.Network) ?? sender.AddressesOn(device).FirstOrDefault();
        return source is null ? null : (source.Address, destination.Address);
    }
}
