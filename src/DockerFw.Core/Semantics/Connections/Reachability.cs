namespace DockerFw.Core.Semantics.Connections;

/// <summary>What a connection attempt amounts to.</summary>
public enum Reachability
{
    /// <summary>The first packet and its replies are accepted.</summary>
    Reachable,

    /// <summary>The first packet is accepted but the replies die: no connection, though the peer sees the packet.</summary>
    OneWay,

    /// <summary>The first packet is dropped or rejected.</summary>
    Blocked,

    /// <summary>
    /// The first packet and its replies are accepted, but the request's later packets (ESTABLISHED: the
    /// handshake's ACK, the data, a second echo request) die: no connection carries data (oracle F38).
    /// </summary>
    OpeningOnly,
}
