namespace DockerFw.Core.Semantics;

/// <summary>
/// How conntrack rewrites a packet of a connection it already knows (nat tables are not consulted
/// again): the destination at the DNAT point (PREROUTING / OUTPUT), the source at the SNAT point
/// (POSTROUTING / INPUT). For a reply this is the original NAT undone; null fields stay as they are.
/// </summary>
public sealed record ConntrackNat(
    UInt128? Destination = null,
    int? DestinationPort = null,
    UInt128? Source = null,
    int? SourcePort = null);
