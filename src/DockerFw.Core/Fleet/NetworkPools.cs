using System.Collections.Immutable;
using System.Text.Json;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Fleet;

/// <summary>
/// Each bridge network's IPv4 <c>IPRange</c> as the Engine reports it (<c>IPAM.Config[].IPRange</c> of
/// <c>GET /networks</c> or <c>docker network inspect</c>): the part of the subnet its containers take
/// addresses from. For the default bridge it is dockerd's <c>--fixed-cidr</c> (daemon.json
/// <c>fixed-cidr</c>): two hosts whose docker0 are one segment across a layer-2 tunnel share the
/// subnet and split it this way, so a cell from one host's bridge holds that host's range, not the
/// peer's too. Read beside Docker's view, which keeps subnets and gateways only.
/// </summary>
public static class NetworkPools
{
    /// <summary>Network name to IPRange; networks without one, and text that is no such list, give none.</summary>
    public static ImmutableDictionary<string, AddressMask> Read(string json)
    {
        var pools = ImmutableDictionary.CreateBuilder<string, AddressMask>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Array) return pools.ToImmutable();
            foreach (var network in document.RootElement.EnumerateArray())
            {
                if (network.ValueKind != JsonValueKind.Object
                    || !network.TryGetProperty("Name", out var name) || name.ValueKind != JsonValueKind.String
                    || !network.TryGetProperty("IPAM", out var ipam) || ipam.ValueKind != JsonValueKind.Object
                    || !ipam.TryGetProperty("Config", out var configs) || configs.ValueKind != JsonValueKind.Array) continue;
                foreach (var config in configs.EnumerateArray())
                    if (config.ValueKind == JsonValueKind.Object && config.TryGetProperty("IPRange", out var range) && range.ValueKind == JsonValueKind.String
                        && AddressMask.TryParse(range.GetString()!, IpFamily.V4, out var pool) && pool is not null)
                    {
                        pools.TryAdd(name.GetString()!, pool);
                        break;
                    }
            }
        }
        catch (JsonException)
        {
            // Docker's view was read (and its problems reported) by the host's loader; without a list here there are no ranges.
        }

        return pools.ToImmutable();
    }
}
