using System.Net;
using System.Text.Json;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// The containers' endpoints as Docker's JSON (live or a fixture's) gives them: which container and
/// network each address is, each network's declared icc, and whether the default bridge has legacy
/// links (whose ports Docker opens: not modelled by the policy's expectations).
/// </summary>
public sealed class EndpointView
{
    private readonly Dictionary<IPAddress, (string Container, string Network)> owners = [];
    private readonly Dictionary<IPAddress, string> macs = [];
    private readonly Dictionary<string, bool> icc = [];
    private readonly Dictionary<string, bool> isInternal = [];
    private readonly List<(string Network, IPNetwork Subnet)> subnets = [];

    public EndpointView(string networksJson, string containersJson)
    {
        foreach (var n in JsonDocument.Parse(networksJson).RootElement.EnumerateArray())
        {
            var options = n.TryGetProperty("Options", out var o) && o.ValueKind == JsonValueKind.Object ? o : default;
            var declared = options.ValueKind != JsonValueKind.Object || !options.TryGetProperty("com.docker.network.bridge.enable_icc", out var v) || v.GetString() != "false";
            var networkName = n.GetProperty("Name").GetString()!;
            icc[networkName] = declared;
            isInternal[networkName] = n.TryGetProperty("Internal", out var i) && i.ValueKind == JsonValueKind.True;
            if (n.TryGetProperty("IPAM", out var ipam) && ipam.TryGetProperty("Config", out var config) && config.ValueKind == JsonValueKind.Array)
                foreach (var c in config.EnumerateArray())
                    if (c.TryGetProperty("Subnet", out var subnet) && IPNetwork.TryParse(subnet.GetString(), out var parsed)) subnets.Add((networkName, parsed));
        }

        foreach (var c in JsonDocument.Parse(containersJson).RootElement.EnumerateArray())
        {
            var name = c.GetProperty("Name").GetString()!.TrimStart('/');
            if (c.GetProperty("HostConfig").TryGetProperty("Links", out var links) && links.ValueKind == JsonValueKind.Array && links.GetArrayLength() > 0) Links = true;
            if (c.GetProperty("NetworkSettings").GetProperty("Networks") is not { ValueKind: JsonValueKind.Object } networks) continue;
            foreach (var n in networks.EnumerateObject())
                foreach (var key in new[] { "IPAddress", "GlobalIPv6Address" })
                    if (n.Value.TryGetProperty(key, out var a) && IPAddress.TryParse(a.GetString(), out var address))
                    {
                        owners[address] = (name, n.Name);
                        if (n.Value.TryGetProperty("MacAddress", out var mac) && mac.GetString() is { Length: 17 } text) macs[address] = text;
                    }
        }
    }

    /// <summary>Whether some container on the default bridge was started with <c>--link</c>.</summary>
    public bool Links { get; }

    public (string Container, string Network)? Owner(IPAddress? address) => address is not null && owners.TryGetValue(address, out var o) ? o : null;

    /// <summary>Every address of the container (each network, both families).</summary>
    public IEnumerable<IPAddress> Addresses(string container) => owners.Where(o => o.Value.Container == container).Select(o => o.Key);

    /// <summary>
    /// The link-local address of the interface that holds <paramref name="endpoint"/>: the kernel's
    /// default (addr_gen_mode 0) makes it from the endpoint's MAC address, EUI-64 (RFC 4291 2.5.1: the
    /// universal/local bit flipped, ff:fe in the middle). Null when Docker's JSON names no MAC.
    /// </summary>
    public IPAddress? LinkLocal(IPAddress endpoint)
    {
        if (!macs.TryGetValue(endpoint, out var mac)) return null;
        var b = mac.Split(':').Select(x => Convert.ToByte(x, 16)).ToArray();
        var bytes = new byte[16];
        (bytes[0], bytes[1]) = (0xfe, 0x80);
        (bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]) = ((byte)(b[0] ^ 0x02), b[1], b[2], 0xff, 0xfe, b[3], b[4], b[5]);
        return new IPAddress(bytes);
    }

    public bool? DeclaredIcc(string network) => icc.TryGetValue(network, out var on) ? on : null;

    /// <summary>
    /// Whether the container at <paramref name="server"/> has a route of its family to
    /// <paramref name="client"/>, as Docker sets its routes up (for traffic recorded before the kernel
    /// was asked, <see cref="Probe.ReplyRoute"/>): a connected subnet of one of its networks holds the
    /// client, or it has a default route of that family, which only a network that is not internal
    /// gives (the lab's Docker 20.10 takes it from one gateway endpoint, a dual-stack one first when
    /// there is one, and every network has IPv4). Null when the server is no known container.
    /// </summary>
    public bool? RoutesBack(IPAddress server, IPAddress client)
    {
        if (Owner(server) is not { } owner) return null;
        var mine = owners.Where(o => o.Value.Container == owner.Container && o.Key.AddressFamily == client.AddressFamily).Select(o => o.Value.Network).ToHashSet();
        return subnets.Any(s => mine.Contains(s.Network) && s.Subnet.Contains(client))
            || mine.Any(n => isInternal.TryGetValue(n, out var inside) && !inside);
    }
}
