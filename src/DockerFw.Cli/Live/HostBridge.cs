using System.Collections.Immutable;
using System.Text.Json;

namespace DockerFw.Cli.Live;

/// <summary>A Linux bridge on the live host and the addresses on it (<c>172.17.0.1/16</c>), as <c>ip -d -j addr</c> shows them.</summary>
internal sealed record HostBridge(string Name, ImmutableArray<string> Addresses)
{
    /// <summary>
    /// The bridges in the JSON of <c>ip -d -j addr show</c>: the links whose <c>linkinfo.info_kind</c>
    /// is <c>bridge</c>. Input that is not that JSON is a <see cref="CliFailure"/>: ip changed under us.
    /// </summary>
    public static ImmutableArray<HostBridge> Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json.Trim().Length == 0 ? "[]" : json);
            return [.. document.RootElement.EnumerateArray().Where(IsBridge).Select(Of)];
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new CliFailure($"cannot read the output of 'ip -d -j addr show': {e.Message}");
        }
    }

    private static bool IsBridge(JsonElement link) =>
        link.TryGetProperty("linkinfo", out var info)
        && info.TryGetProperty("info_kind", out var kind)
        && kind.GetString() == "bridge";

    private static HostBridge Of(JsonElement link)
    {
        var addresses = link.TryGetProperty("addr_info", out var infos)
            ? infos.EnumerateArray()
                .Where(a => a.TryGetProperty("local", out _) && a.TryGetProperty("prefixlen", out _))
                .Select(a => $"{a.GetProperty("local").GetString()}/{a.GetProperty("prefixlen").GetInt32()}")
                .ToImmutableArray()
            : [];
        return new HostBridge(link.GetProperty("ifname").GetString() ?? "", addresses);
    }
}
