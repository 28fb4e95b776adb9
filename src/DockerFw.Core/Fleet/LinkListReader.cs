using System.Collections.Immutable;
using System.Text.Json;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Fleet;

/// <summary>
/// Reads <c>ip -d -j link show</c> (a capture bundle's <c>ip-link.json</c>). Fields fleet does not
/// use are ignored; a listing that is not JSON or not an array of links is refused with the reason,
/// since a fleet judged without its tunnels would say "no route" where the host has one.
/// </summary>
public static class LinkListReader
{
    public static (ImmutableArray<HostLink> Links, string? Error) Read(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json.Length == 0 ? "[]" : json);
            if (document.RootElement.ValueKind != JsonValueKind.Array) return ([], "the link listing is not a JSON array");
            var links = ImmutableArray.CreateBuilder<HostLink>();
            foreach (var link in document.RootElement.EnumerateArray())
            {
                if (link.ValueKind != JsonValueKind.Object || Text(link, "ifname") is not { } name) return ([], "a link without an ifname");
                var info = link.TryGetProperty("linkinfo", out var li) && li.ValueKind == JsonValueKind.Object ? li : default;
                var data = info.ValueKind == JsonValueKind.Object && info.TryGetProperty("info_data", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
                links.Add(new HostLink(
                    name,
                    info.ValueKind == JsonValueKind.Object ? Text(info, "info_kind") : null,
                    link.TryGetProperty("mtu", out var mtu) && mtu.TryGetInt32(out var m) ? m : 0,
                    Text(link, "master"),
                    Address(data, "local"),
                    Address(data, "remote"),
                    data.ValueKind == JsonValueKind.Object && data.TryGetProperty("port", out var port) && port.TryGetInt32(out var p) ? p : null));
            }

            return (links.ToImmutable(), null);
        }
        catch (JsonException e)
        {
            return ([], $"the link listing is not JSON: {e.Message}");
        }
    }

    private static string? Text(JsonElement e, string property) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    // "any" (a tunnel without a fixed end) and IPv6 ends are left out: fleet follows IPv4 underlays.
    private static UInt128? Address(JsonElement data, string property) =>
        Text(data, property) is { } text && IpAddressValue.TryParse(text, IpFamily.V4, out var a) ? a : null;
}
