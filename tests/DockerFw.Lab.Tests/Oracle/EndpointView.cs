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
    private readonly Dictionary<string, bool> icc = [];

    public EndpointView(string networksJson, string containersJson)
    {
        foreach (var n in JsonDocument.Parse(networksJson).RootElement.EnumerateArray())
        {
            var options = n.TryGetProperty("Options", out var o) && o.ValueKind == JsonValueKind.Object ? o : default;
            var declared = options.ValueKind != JsonValueKind.Object || !options.TryGetProperty("com.docker.network.bridge.enable_icc", out var v) || v.GetString() != "false";
            icc[n.GetProperty("Name").GetString()!] = declared;
        }

        foreach (var c in JsonDocument.Parse(containersJson).RootElement.EnumerateArray())
        {
            var name = c.GetProperty("Name").GetString()!.TrimStart('/');
            if (c.GetProperty("HostConfig").TryGetProperty("Links", out var links) && links.ValueKind == JsonValueKind.Array && links.GetArrayLength() > 0) Links = true;
            if (c.GetProperty("NetworkSettings").GetProperty("Networks") is not { ValueKind: JsonValueKind.Object } networks) continue;
            foreach (var n in networks.EnumerateObject())
                foreach (var key in new[] { "IPAddress", "GlobalIPv6Address" })
                    if (n.Value.TryGetProperty(key, out var a) && IPAddress.TryParse(a.GetString(), out var address)) owners[address] = (name, n.Name);
        }
    }

    /// <summary>Whether some container on the default bridge was started with <c>--link</c>.</summary>
    public bool Links { get; }

    public (string Container, string Network)? Owner(IPAddress? address) => address is not null && owners.TryGetValue(address, out var o) ? o : null;

    /// <summary>Every address of the container (each network, both families).</summary>
    public IEnumerable<IPAddress> Addresses(string container) => owners.Where(o => o.Value.Container == container).Select(o => o.Key);

    public bool? DeclaredIcc(string network) => icc.TryGetValue(network, out var on) ? on : null;
}
