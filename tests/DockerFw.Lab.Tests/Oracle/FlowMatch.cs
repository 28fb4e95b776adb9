using System.Globalization;
using System.Net;
using System.Text.Json;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>Whether a probe lies in a flow of the audit's matrix (protocol, destination ports, destinations).</summary>
public static class FlowMatch
{
    public static bool Covers(JsonElement flow, Probe probe)
    {
        var protocol = flow.GetProperty("protocol").GetString();
        var name = probe.Transport switch { Transport.Tcp => "tcp", Transport.Udp => "udp", _ => probe.Destination.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "ipv6-icmp" : "icmp" };
        var protocols = protocol!.Split(',');
        if (!protocols.Any(p => p == "all" || p == name || (name == "ipv6-icmp" && p is "icmpv6" or "icmp6" or "58" or "icmp"))) return false;
        if (probe.Transport != Transport.Icmp && flow.GetProperty("ports") is { ValueKind: JsonValueKind.String } ports && !InPorts(ports.GetString()!, probe.Port)) return false;
        if (flow.GetProperty("destinations") is { ValueKind: JsonValueKind.Array } destinations
            && !destinations.EnumerateArray().Any(d => Contains(d.GetString()!, probe.Destination))) return false;
        return true;
    }

    public static bool Possible(JsonElement flow) => flow.TryGetProperty("possible", out var p) && p.ValueKind == JsonValueKind.True;

    public static bool Connection(JsonElement flow) => flow.GetProperty("kind").GetString() == "connection";

    private static bool InPorts(string ports, int port) =>
        ports.Split(',').Any(part => part.Split('-') is var r && int.Parse(r[0], CultureInfo.InvariantCulture) <= port
            && port <= int.Parse(r[^1], CultureInfo.InvariantCulture));

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
