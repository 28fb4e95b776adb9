using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// ICMP and ICMPv6 type names as libxt_icmp/libip6t_icmp6 know them (a name stands for a type, or a
/// type and a code); save prints numbers.
/// </summary>
internal static class IcmpTypes
{
    // Not frozen: the table is built at every start, and freezing it cost more than the lookups of `fmt` of a small dump
    // save (all the reader's frozen tables: 1.4 -> 0.7 M instructions of start; docs/performance.md, "Reader on every shape").
    private static readonly Dictionary<string, (int Type, int? Code)> V4 = new(StringComparer.OrdinalIgnoreCase)
    {
        ["echo-reply"] = (0, null), ["pong"] = (0, null), ["destination-unreachable"] = (3, null),
        ["network-unreachable"] = (3, 0), ["host-unreachable"] = (3, 1), ["protocol-unreachable"] = (3, 2),
        ["port-unreachable"] = (3, 3), ["fragmentation-needed"] = (3, 4), ["source-route-failed"] = (3, 5),
        ["network-unknown"] = (3, 6), ["host-unknown"] = (3, 7), ["network-prohibited"] = (3, 9),
        ["host-prohibited"] = (3, 10), ["TOS-network-unreachable"] = (3, 11), ["TOS-host-unreachable"] = (3, 12),
        ["communication-prohibited"] = (3, 13), ["host-precedence-violation"] = (3, 14),
        ["precedence-cutoff"] = (3, 15), ["source-quench"] = (4, null), ["redirect"] = (5, null),
        ["network-redirect"] = (5, 0), ["host-redirect"] = (5, 1), ["TOS-network-redirect"] = (5, 2),
        ["TOS-host-redirect"] = (5, 3), ["echo-request"] = (8, null), ["ping"] = (8, null),
        ["router-advertisement"] = (9, null), ["router-solicitation"] = (10, null), ["time-exceeded"] = (11, null),
        ["ttl-exceeded"] = (11, null), ["ttl-zero-during-transit"] = (11, 0), ["ttl-zero-during-reassembly"] = (11, 1),
        ["parameter-problem"] = (12, null), ["ip-header-bad"] = (12, 0), ["required-option-missing"] = (12, 1),
        ["timestamp-request"] = (13, null), ["timestamp-reply"] = (14, null), ["address-mask-request"] = (17, null),
        ["address-mask-reply"] = (18, null),
    };

    private static readonly Dictionary<string, (int Type, int? Code)> V6 = new(StringComparer.OrdinalIgnoreCase)
    {
        ["destination-unreachable"] = (1, null), ["no-route"] = (1, 0), ["communication-prohibited"] = (1, 1),
        ["beyond-scope"] = (1, 2), ["address-unreachable"] = (1, 3), ["port-unreachable"] = (1, 4),
        ["failed-policy"] = (1, 5), ["reject-route"] = (1, 6), ["packet-too-big"] = (2, null),
        ["time-exceeded"] = (3, null), ["ttl-exceeded"] = (3, null), ["ttl-zero-during-transit"] = (3, 0),
        ["ttl-zero-during-reassembly"] = (3, 1), ["parameter-problem"] = (4, null), ["bad-header"] = (4, 0),
        ["unknown-header-type"] = (4, 1), ["unknown-option"] = (4, 2), ["echo-request"] = (128, null),
        ["ping"] = (128, null), ["echo-reply"] = (129, null), ["pong"] = (129, null),
        ["mld-listener-query"] = (130, null), ["mld-listener-report"] = (131, null), ["mld-listener-done"] = (132, null),
        ["mld-listener-reduction"] = (132, null), ["router-solicitation"] = (133, null),
        ["router-advertisement"] = (134, null), ["neighbour-solicitation"] = (135, null),
        ["neighbor-solicitation"] = (135, null), ["neighbour-advertisement"] = (136, null),
        ["neighbor-advertisement"] = (136, null), ["redirect"] = (137, null),
    };

    /// <summary>Parses <c>any</c>, a name, <c>T</c> or <c>T/C</c>; a null type means any.</summary>
    public static bool TryParse(string text, IpFamily family, out int? type, out int? code)
    {
        type = null;
        code = null;
        if (text.Equals("any", StringComparison.OrdinalIgnoreCase)) return true;
        if ((family == IpFamily.V4 ? V4 : V6).TryGetValue(text, out var named))
        {
            (type, code) = named;
            return true;
        }

        var slash = text.IndexOf('/');
        if (!TryByte(slash < 0 ? text : text[..slash], out var t)) return false;
        type = t;
        if (slash < 0) return true;
        if (!TryByte(text[(slash + 1)..], out var c)) return false;
        code = c;
        return true;
    }

    /// <summary>A type or code as libxt_icmp reads it: a base-0 number (<c>010</c> is 8) up to 255.</summary>
    private static bool TryByte(string text, out int value) => XtablesNumber.TryParse(text, 255, out value);
}
