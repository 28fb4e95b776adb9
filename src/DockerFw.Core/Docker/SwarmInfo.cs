using System.Collections.Immutable;

namespace DockerFw.Core.Docker;

/// <summary>
/// The Engine's swarm membership, as <c>docker info</c> (<c>GET /info</c>) reports it in its
/// <c>Swarm</c> section: this node's id and advertised address, whether it is a manager, and the
/// managers it knows. The overlay facts are judged between these addresses.
/// </summary>
/// <param name="NodeAddress">The address the node advertises to the others (<c>NodeAddr</c>), null when not given.</param>
/// <param name="LocalNodeState"><c>active</c>, <c>inactive</c>, <c>pending</c>, <c>error</c> or <c>locked</c>.</param>
/// <param name="Manager">Whether the node is a manager (<c>ControlAvailable</c>): only managers listen on 2377.</param>
public sealed record SwarmInfo(string NodeId, UInt128? NodeAddress, string LocalNodeState, bool Manager, ImmutableArray<SwarmManager> RemoteManagers)
{
    /// <summary>VXLAN's port unless the swarm was made with <c>--data-path-port</c>.</summary>
    public const int DefaultDataPathPort = 4789;

    /// <summary>The managers' control port (tcp) unless a manager's <c>Addr</c> says another.</summary>
    public const int DefaultControlPort = 2377;

    /// <summary>The nodes' gossip port, tcp and udp.</summary>
    public const int GossipPort = 7946;

    /// <summary>
    /// The VXLAN port: <c>Cluster.DataPathPort</c>, which only managers report; workers use the
    /// cluster's too, so without it the default is assumed (the report says which).
    /// </summary>
    public int? DataPathPort { get; init; }

    public bool Active => LocalNodeState == "active";
}

/// <summary>A manager of the swarm, by the address and port it takes control traffic on (<c>Addr</c>, normally port 2377).</summary>
public sealed record SwarmManager(string NodeId, UInt128 Address, int Port);

/// <summary>
/// What an overlay network's inspect says about its VXLAN: its network ids (VNIs, from the
/// <c>com.docker.network.driver.overlay.vxlanid_list</c> option), whether it is encrypted (the
/// <c>encrypted</c> option is present: the overlay driver tests the key, not its value), whether it is
/// swarm's ingress network, and the node addresses of its peers (<c>Peers</c>, this node's included).
/// </summary>
public sealed record OverlaySettings(ImmutableArray<int> Vnis, bool Encrypted, bool Ingress, ImmutableArray<UInt128> Peers)
{
    /// <summary>An overlay network whose inspect said nothing of its VXLAN.</summary>
    public static OverlaySettings None { get; } = new([], false, false, []);
}
