using System.Globalization;
using System.Net;
using System.Text.Json;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// Whether a probe lies in a flow of the audit's matrix (protocol, destination ports, ICMP types, source
/// ports, sources, destinations). A probe's client port is exact when the run recorded it; else it is the kernel's
/// pick from the ephemeral range, so a flow that holds only for some source ports may cover it
/// (<see cref="Covers"/>: some ephemeral port is among them) without surely covering it
/// (<see cref="SurelyCovers"/>: every ephemeral port is).
/// </summary>
public static class FlowMatch
{
    /// <summary>Linux's default <c>net.ipv4.ip_local_port_range</c>, which the lab's namespaces keep.</summary>
    public const int EphemeralFirst = 32768, EphemeralLast = 60999;

    /// <summary>Whether the probe may lie in the flow: it does, or does from some ephemeral source port when its own is unknown.</summary>
    public static bool Covers(JsonElement flow, ProbeResult r) =>
        CoversAside(flow, r.Probe) && (SourcePorts(flow, r.Probe) is not { } ranges
            || ranges.Any(x => Sent(r) is { } port ? x.First <= port && port <= x.Last : x.First <= EphemeralLast && EphemeralFirst <= x.Last));

    /// <summary>Whether the probe lies in the flow from its own source port, or from whichever ephemeral one when that is unknown.</summary>
    public static bool SurelyCovers(JsonElement flow, ProbeResult r) =>
        CoversAside(flow, r.Probe) && (SourcePorts(flow, r.Probe) is not { } ranges
            || ranges.Any(x => Sent(r) is { } port ? x.First <= port && port <= x.Last : x.First <= EphemeralFirst && EphemeralLast <= x.Last));

    private static int? Sent(ProbeResult r) => r.Probe.Transport == Transport.Icmp ? null : r.SourcePort;

    /// <summary>The flow's source ports as ranges, or null when it holds for any; a probe without ports (ICMP) carries port 0, as in the audit's model.</summary>
    private static List<(int First, int Last)>? SourcePorts(JsonElement flow, Probe probe)
    {
        if (!flow.TryGetProperty("source_ports", out var sp) || sp.ValueKind != JsonValueKind.String) return null;
        var ranges = Ranges(sp.GetString()!);
        return probe.Transport == Transport.Icmp ? (ranges.Any(r => r.First == 0) ? null : []) : ranges;
    }

    /// <summary>Protocol, destination port and destination, the source port aside.</summary>
    private static bool CoversAside(JsonElement flow, Probe probe)
    {
        var protocol = flow.GetProperty("protocol").GetString()!;
        var name = probe.Transport switch { Transport.Tcp => "tcp", Transport.Udp => "udp", _ => probe.Destination.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "ipv6-icmp" : "icmp" };
        bool Named(string p) => p == name || (name == "ipv6-icmp" && p is "icmpv6" or "icmp6" or "58" or "icmp");
        // "all but tcp,udp": every protocol the list leaves out.
        var included = protocol.StartsWith("all but ", StringComparison.Ordinal)
            ? !protocol["all but ".Length..].Split(',').Any(Named)
            : protocol.Split(',').Any(p => p == "all" || Named(p));
        if (!included) return false;
        if (probe.Transport != Transport.Icmp && flow.GetProperty("ports") is { ValueKind: JsonValueKind.String } ports && !InPorts(ports.GetString()!, probe.Port)) return false;
        // ICMP types (present only when the flow holds for some): an ICMP probe is a ping, an echo request (8, ICMPv6's 128).
        if (probe.Transport == Transport.Icmp && flow.TryGetProperty("icmp_types", out var types) && types.ValueKind == JsonValueKind.String
            && !InPorts(types.GetString()!, name == "ipv6-icmp" ? 128 : 8)) return false;
        // Destinations are one string of addresses, ranges and CIDRs, comma-separated.
        if (flow.GetProperty("destinations") is { ValueKind: JsonValueKind.String } destinations
            && !destinations.GetString()!.Split(',').Any(d => Contains(d, probe.Destination))) return false;
        // Sources (present only when the flow holds for some): the same form, or "any but" those left out.
        if (flow.TryGetProperty("sources", out var sources) && sources.ValueKind == JsonValueKind.String && probe.Source is { } source
            && !InSources(sources.GetString()!, source)) return false;
        return true;
    }

    private static bool InSources(string sources, IPAddress source) =>
        sources.StartsWith(AnyBut, StringComparison.Ordinal)
            ? !sources[AnyBut.Length..].Split(',').Any(s => Contains(s, source))
            : sources.Split(',').Any(s => Contains(s, source));

    private const string AnyBut = "any but ";

    public static bool Possible(JsonElement flow) => flow.TryGetProperty("possible", out var p) && p.ValueKind == JsonValueKind.True;

    public static bool Connection(JsonElement flow) => flow.GetProperty("kind").GetString() == "connection";

    /// <summary>The opening packet and its replies pass, the requests' later packets die (oracle F38).</summary>
    public static bool OpeningOnly(JsonElement flow) => flow.GetProperty("kind").GetString() == "opening-only";

    /// <summary>
    /// Whether the probe is one exchange, an opening and its answer with no later packet of the request:
    /// a ping, a UDP datagram, a SYN to an unused port (a RST back). A TCP probe to a server sends its
    /// handshake's ACK and a word after the opening, which an opening-only flow drops.
    /// </summary>
    public static bool OneExchange(Probe probe) => probe.Transport != Transport.Tcp || !probe.Listening;

    /// <summary>Whether a flow lets the probe's whole exchange through: a connection, or an opening-only flow for a probe of one exchange.</summary>
    public static bool Carries(JsonElement flow, Probe probe) => Connection(flow) || (OpeningOnly(flow) && OneExchange(probe));

    private static bool InPorts(string ports, int port) => Ranges(ports).Any(r => r.First <= port && port <= r.Last);

    private static List<(int First, int Last)> Ranges(string ports) =>
        [.. ports.Split(',').Select(part => part.Split('-') is var r
            ? (int.Parse(r[0], CultureInfo.InvariantCulture), int.Parse(r[^1], CultureInfo.InvariantCulture)) : default)];

    public static bool Contains(string cidrOrAddress, IPAddress address)
    {
        if (cidrOrAddress.Contains('/', StringComparison.Ordinal))
            return IPNetwork.TryParse(cidrOrAddress, out var network) && network.Contains(address);
        if (cidrOrAddress.Split('-') is [var lo, var hi] && IPAddress.TryParse(lo, out var l) && IPAddress.TryParse(hi, out var h))
            return Compare(l, address) <= 0 && Compare(address, h) <= 0;
        return IPAddress.TryParse(cidrOrAddress, out var a) && a.Equals(address);
    }

    private static int Compare(IPAddress a, IPAddress b) =>
        a.AddressFamily != b.AddressFamily ? a.AddressFamily.CompareTo(b.AddressFamily) : a.GetAddressBytes().AsSpan().SequenceCompareTo(b.GetAddressBytes());
}
