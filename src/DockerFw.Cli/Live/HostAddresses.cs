using System.Collections.Immutable;
using System.Text.Json;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;

namespace DockerFw.Cli.Live;

/// <summary>
/// Every address of every interface in the JSON of <c>ip -j addr show</c>: what makes an address
/// LOCAL to the engines (addrtype, MASQUERADE, REDIRECT) and the connected subnets routing starts from.
/// </summary>
internal static class HostAddresses
{
    public static ImmutableArray<InterfaceAddress> Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json.Trim().Length == 0 ? "[]" : json);
            return [.. document.RootElement.EnumerateArray().SelectMany(Of)];
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new CliFailure($"cannot read the output of 'ip -d -j addr show': {e.Message}");
        }
    }

    private static IEnumerable<InterfaceAddress> Of(JsonElement link)
    {
        if (!link.TryGetProperty("ifname", out var name) || !link.TryGetProperty("addr_info", out var infos)) yield break;
        foreach (var info in infos.EnumerateArray())
        {
            if (!info.TryGetProperty("local", out var local) || !info.TryGetProperty("prefixlen", out var prefix)) continue;
            var text = local.GetString() ?? "";
            if (IpAddressValue.FamilyOf(text) is not { } family) continue;
            yield return new InterfaceAddress(name.GetString() ?? "", family, IpAddressValue.Parse(text, family), prefix.GetInt32());
        }
    }
}
