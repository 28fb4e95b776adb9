using System.Net;

namespace DockerFw.Lab.Tests.Oracle;

public enum Transport
{
    Tcp,
    Udp,
    Icmp,
}

/// <summary>
/// One real exchange: from a namespace (a container, the outside client, the host) to an address and
/// port. <see cref="Listening"/> says whether a server answers there (else the port is the unused one,
/// where only a refusal can come back). <see cref="Source"/> is the address the kernel's routing picks.
/// </summary>
public sealed record Probe(string From, string NetnsPath, IPAddress? Source, IPAddress Destination, Transport Transport, int Port, bool Listening)
{
    /// <summary>
    /// For a probe to 127.0.0.1 from outside (DFW514): the host's namespace, whose conntrack table
    /// tells whether the container answered (the answer, from 127.0.0.1, never gets back to a
    /// neighbour: it drops it as a martian).
    /// </summary>
    public string? ConntrackNetns { get; init; }

    /// <summary>
    /// Whether the destination container's own routing table has a route back to <see cref="Source"/>
    /// (the kernel's answer, asked in its namespace as <see cref="Source"/> is in the client's); null
    /// where not asked (to a host address, and in traffic recorded before it was). A server with none
    /// never answers a request that kept its source (oracle F14).
    /// </summary>
    public bool? ReplyRoute { get; init; }

    /// <summary>
    /// The address the server's kernel picks as the source of a packet to <see cref="Source"/>: the
    /// address of the interface its route there leaves by, so the network (and bridge) its answer
    /// enters the host from, a default route's or a connected subnet's (oracle F21). Null where not
    /// asked or where it has no route back.
    /// </summary>
    public IPAddress? ReplyFrom { get; init; }

    public override string ToString() =>
        Transport == Transport.Icmp
            ? $"{From} ({Source}) -> {Destination} icmp echo"
            : $"{From} ({Source}) -> {Fmt(Destination)}:{Port}/{Transport.ToString().ToLowerInvariant()}{(Listening ? "" : " (unused port)")}";

    private static string Fmt(IPAddress a) => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{a}]" : a.ToString();
}

/// <summary>What came back: an echo (or a ping reply), a refusal (the packet got there: RST or port unreachable), or nothing.</summary>
public enum Outcome
{
    Echoed,
    Refused,
    Silent,
}

/// <summary><see cref="SourcePort"/>: the port the probe's socket was bound to (TCP, UDP), for the reply's destination port.</summary>
public sealed record ProbeResult(Probe Probe, Outcome Outcome, int? SourcePort = null)
{
    /// <summary>The packet got to the destination and its answer came back: what "a connection passes" means.</summary>
    public bool Reached => Outcome is Outcome.Echoed or Outcome.Refused;

    /// <summary>
    /// For a probe that got out to the echo server outside: the source address the server saw (the
    /// host's conntrack entry's reply tuple), so the address Docker's MASQUERADE or SNAT gave it; null
    /// where not read.
    /// </summary>
    public IPAddress? SeenAs { get; init; }

    public override string ToString() => $"{Probe}: {Outcome.ToString().ToLowerInvariant()}";
}
