using System.Collections.Frozen;
using System.Text.Json;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Syntax.NftJson;

/// <summary>The ICMP and ICMPv6 type names nft prints (its icmp_type and icmpv6_type symbol tables), or numbers.</summary>
internal static class NftIcmpTypes
{
    private static readonly FrozenDictionary<string, int> V4 = new Dictionary<string, int>
    {
        ["echo-reply"] = 0, ["destination-unreachable"] = 3, ["source-quench"] = 4, ["redirect"] = 5,
        ["echo-request"] = 8, ["router-advertisement"] = 9, ["router-solicitation"] = 10, ["time-exceeded"] = 11,
        ["parameter-problem"] = 12, ["timestamp-request"] = 13, ["timestamp-reply"] = 14, ["info-request"] = 15,
        ["info-reply"] = 16, ["address-mask-request"] = 17, ["address-mask-reply"] = 18,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, int> V6 = new Dictionary<string, int>
    {
        ["destination-unreachable"] = 1, ["packet-too-big"] = 2, ["time-exceeded"] = 3, ["parameter-problem"] = 4,
        ["echo-request"] = 128, ["echo-reply"] = 129, ["mld-listener-query"] = 130, ["mld-listener-report"] = 131,
        ["mld-listener-done"] = 132, ["mld-listener-reduction"] = 132, ["nd-router-solicit"] = 133, ["nd-router-advert"] = 134,
        ["nd-neighbor-solicit"] = 135, ["nd-neighbor-advert"] = 136, ["nd-redirect"] = 137, ["router-renumbering"] = 138,
        ["ind-neighbor-solicit"] = 141, ["ind-neighbor-advert"] = 142, ["mld2-listener-report"] = 143,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>One type, as a name or a number; null when neither.</summary>
    public static int? Of(IpFamily family, JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number when e.TryGetInt32(out var n) && n is >= 0 and <= 255 => n,
        JsonValueKind.String => (family == IpFamily.V4 ? V4 : V6).TryGetValue(e.GetString()!, out var t) ? t : null,
        _ => null,
    };
}
