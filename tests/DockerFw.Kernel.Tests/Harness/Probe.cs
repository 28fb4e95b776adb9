using System.Net;

namespace DockerFw.Kernel.Tests.Harness;

/// <summary>
/// One packet sent for real: a TCP SYN, a UDP datagram or an ICMP echo request, from an endpoint or
/// (when <see cref="From"/> is null) from the router itself, with a source port of its own.
/// </summary>
internal sealed record Probe(string Protocol, Endpoint? From, IPAddress To, int SourcePort, int DestinationPort)
{
    /// <summary>The bytes a UDP datagram carries (a VXLAN header, say); null: a line of text.</summary>
    public byte[]? Payload { get; init; }

    public IPAddress Source => From?.Address ?? Topology.RouterProbeSource;

    public override string ToString() =>
        Protocol == "icmp"
            ? $"icmp echo-request {Source} -> {To}"
            : $"{Protocol} {Source}:{SourcePort} -> {To}:{DestinationPort}";
}

/// <summary>What the kernel did with a probe: the router rules it counted and where the packet ended up.</summary>
internal sealed record ProbeOutcome(IReadOnlySet<CountedRule> Counted, string? ArrivedAt)
{
    public const string Router = "router";

    public bool Arrived => ArrivedAt is not null;

    public override string ToString() =>
        $"counted [{string.Join(", ", Counted.Order(Comparer<CountedRule>.Create((x, y) => string.CompareOrdinal(x.ToString(), y.ToString()))))}], " +
        $"arrived: {ArrivedAt ?? "nowhere"}";
}

/// <summary>
/// Probes written the way a person says them: <c>udp a->b:53</c>, <c>tcp a->router:22</c> (the
/// router's address on a's link), <c>icmp c->d</c>, <c>udp router->b:53</c>, <c>udp a->10.201.2.9:53</c>.
/// </summary>
internal static class ProbeSpec
{
    public static Probe Parse(Topology topology, string spec)
    {
        var (protocol, route) = (spec.Split(' ')[0], spec.Split(' ')[1]);
        var (from, to) = (route.Split("->")[0], route.Split("->")[1]);
        var (host, port) = to.Contains(':') ? (to.Split(':')[0], int.Parse(to.Split(':')[1])) : (to, 0);
        var sender = from == "router" ? null : topology[from];
        var destination = host switch
        {
            "router" => topology.RouterAddresses.First(a => a.Interface == sender!.RouterInterface).Address,
            _ when System.Net.IPAddress.TryParse(host, out var address) => address,
            _ => topology[host].Address,
        };
        return new Probe(protocol, sender, destination, topology.NextSourcePort(), port);
    }
}
