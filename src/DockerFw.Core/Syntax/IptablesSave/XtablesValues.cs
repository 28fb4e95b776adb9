using System.Globalization;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// An option value read as libxtables' guided parser reads it (xtopt_parse_*, by <see cref="XtType"/>),
/// then, for a string, as the extension's own parse function reads it: for the options dockerfw keeps
/// without a model of their own, so that a value restore refuses is refused here too.
/// </summary>
internal static class XtablesValues
{
    /// <summary>What a valid value looks like, for the message; null when <paramref name="text"/> is valid.</summary>
    public static string? Problem(string owner, XtOption option, string text, IpFamily family) => option.Type switch
    {
        XtType.None or XtType.SyslogLevel => null,
        XtType.UInt8 or XtType.UInt16 or XtType.UInt32 or XtType.UInt64 =>
            XtablesNumber.TryParse(text, Max(option), out var n) && n >= option.Min ? null : $"a number {option.Min}-{Max(option)} (as in C: 010 = 8, 0x10 = 16)",
        XtType.UInt8Rc or XtType.UInt16Rc or XtType.UInt32Rc or XtType.UInt64Rc =>
            IsNumberRange(text, Max(option)) ? null : $"a number or range N[:M] of at most {Max(option)}",
        XtType.Double => IsDouble(text, option) ? null : $"a number {option.Min}-{option.Max} (as C's strtod reads it)",
        XtType.String => StringProblem(owner, option, text),
        XtType.TosMask => IsTos(text, option.Max == 0 ? 255 : option.Max) ? null : "a TOS value[/mask] or name",
        XtType.MarkMask32 => MarkMask.TryParse(text, out _) ? null : "a mark VALUE[/MASK]",
        XtType.Host => XtablesAddress.TryParseHost(text, family, out _) ? null : $"an {MatchBinders.FamilyName(family)} address",
        XtType.HostMask => XtablesAddress.TryParseHostMask(text, family, out _, out _) ? null : $"an {MatchBinders.FamilyName(family)} address ADDR[/LEN or /MASK]",
        XtType.Protocol => CoreValues.IsProtocol(text) ? null : "a protocol name or number",
        XtType.Port => XtablesPorts.TryGetPortByName(text, out _) ? null : "a port (a service name or a decimal number)",
        XtType.PortRc => XtablesPorts.TryParseRange(text, XtablesPorts.Style.GetPortByName, out _, out _) ? null : "a port or range P[:Q]",
        XtType.Plen => XtablesNumber.TryParse(text, family == IpFamily.V4 ? 32UL : 128UL, out _) ? null : "a prefix length",
        // connlimit's --connlimit-mask takes up to 128 in either family (an IPv4 rule loads /33 as /32, as save prints it).
        XtType.PlenMask => XtablesNumber.TryParse(text, 128UL, out _) ? null : "a prefix length",
        XtType.EtherMac => IsEtherMac(text) ? null : "a MAC address XX:XX:XX:XX:XX:XX",
        _ => null,
    };

    private static ulong Max(XtOption option) => option.Max != 0 ? option.Max : option.Type switch
    {
        XtType.UInt8 or XtType.UInt8Rc => byte.MaxValue,
        XtType.UInt16 or XtType.UInt16Rc => ushort.MaxValue,
        XtType.UInt64 or XtType.UInt64Rc => ulong.MaxValue,
        _ => uint.MaxValue,
    };

    /// <summary>xtopt_parse_mint: up to two numbers split by ':', an empty one taken as 0 (first) or the maximum (second).</summary>
    private static bool IsNumberRange(string text, ulong max)
    {
        var parts = text.Split(':');
        if (parts.Length > 2) return false;
        foreach (var part in parts)
        {
            if (part.Length == 0) continue;
            if (!XtablesNumber.TryParse(part, max, out _)) return false;
        }

        return true;
    }

    // Not frozen: the table is built at every start, and freezing it cost more than the lookups of `fmt` of a small dump
    // save (all the reader's frozen tables: 1.4 -> 0.7 M instructions of start; docs/performance.md, "Reader on every shape").
    /// <summary>The words an extension's parse function takes for a string option, and whether it ignores case.</summary>
    /// <remarks>Keyed by (extension, option), not by a string joining them: no key is built per option read.</remarks>
    private static readonly Dictionary<(string Owner, string Option), (string[] Words, bool IgnoreCase)> Words = new()
    {
        [("statistic", "--mode")] = (["random", "nth"], false),
        [("policy", "--dir")] = (["in", "out"], false),
        [("policy", "--pol")] = (["none", "ipsec"], false),
        [("policy", "--mode")] = (["tunnel", "transport"], false),
        [("pkttype", "--pkt-type")] = (["unicast", "broadcast", "multicast", "host", "otherhost"], true),
        [("connbytes", "--connbytes-dir")] = (["original", "reply", "both"], false),
        [("connbytes", "--connbytes-mode")] = (["packets", "bytes", "avgpkt"], false),
        [("conntrack", "--ctdir")] = (["ORIGINAL", "REPLY"], true),
    };

    private static readonly string[] ConntrackStatus = ["NONE", "EXPECTED", "SEEN_REPLY", "ASSURED", "CONFIRMED"];

    private static string? StringProblem(string owner, XtOption option, string text)
    {
        var length = (ulong)Utf8Escaped.ByteCount(text);
        if (option.Min != 0 && length < option.Min) return $"at least {option.Min} characters";
        if (option.Max != 0 && length > option.Max) return $"at most {option.Max} characters";
        if (Words.TryGetValue((owner, option.Name), out var words))
        {
            var comparison = words.IgnoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            return words.Words.Any(w => string.Equals(w, text, comparison)) ? null : $"one of {string.Join(", ", words.Words)}";
        }

        return (owner, option.Name) switch
        {
            ("conntrack", "--ctstatus") => text.Split(',').All(s => ConntrackStatus.Contains(s, StringComparer.OrdinalIgnoreCase))
                ? null : $"conntrack statuses ({string.Join(",", ConntrackStatus)})",
            ("limit", "--limit") => LimitRate.IsValid(text) ? null : "a rate N[/second|/minute|/hour|/day] of at most 10000/s",
            // libxt_LOG, libxt_NFLOG and libipt_ULOG refuse a line feed in the prefix ("Newlines not allowed"):
            // an unclosed quote takes the rest of the line, its line feed included (DFW155).
            ("LOG", "--log-prefix") or ("NFLOG", "--nflog-prefix") or ("ULOG", "--ulog-prefix") => text.Contains('\n') ? "a prefix without a line feed" : null,
            _ => XtablesWords.Problem(owner, option.Name, text),
        };
    }

    private static readonly Dictionary<string, int> TosNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Minimize-Delay"] = 0x10, ["Maximize-Throughput"] = 0x08, ["Maximize-Reliability"] = 0x04,
        ["Minimize-Cost"] = 0x02, ["Normal-Service"] = 0x00,
    };

    /// <summary>xtables_parse_tos: VALUE[/MASK] (numbers as in C) or a symbolic name.</summary>
    private static bool IsTos(string text, ulong max)
    {
        var slash = text.IndexOf('/');
        var value = slash < 0 ? text : text[..slash];
        if (XtablesNumber.TryParse(value, max, out _))
            return slash < 0 || XtablesNumber.TryParse(text.AsSpan(slash + 1), 255UL, out _);
        return slash < 0 && TosNames.ContainsKey(text);
    }

    /// <summary>
    /// xtopt_parse_ethermac: six parts split by ':', each what <c>strtoul(p, &amp;end, 16)</c> takes in at most
    /// two characters (blanks and a sign count; an empty part is 0), the last one ending the text.
    /// </summary>
    private static bool IsEtherMac(string text)
    {
        var at = 0;
        for (var part = 0; part < 6; part++)
        {
            var used = StrtoulHexLength(text.AsSpan(at));
            if (used > 2) return false;
            at += used;
            if (part < 5)
            {
                if (at >= text.Length || text[at] != ':') return false;
                at++;
            }
        }

        return at == text.Length;
    }

    private static int StrtoulHexLength(ReadOnlySpan<char> s)
    {
        // Deliberate: the published real-world dumps hide their MAC addresses as XX:XX:XX:XX:XX:XX; they are read
        // (restore would refuse them), as every other value of those dumps (docs/acceptance.md).
        if (s.StartsWith("XX", StringComparison.Ordinal)) return 2;
        var i = 0;
        while (i < s.Length && CDouble.IsSpace(s[i])) i++;
        if (i < s.Length && s[i] is '+' or '-') i++;
        if (i + 2 < s.Length && s[i] == '0' && s[i + 1] is 'x' or 'X' && char.IsAsciiHexDigit(s[i + 2])) i += 2;
        var start = i;
        while (i < s.Length && char.IsAsciiHexDigit(s[i])) i++;
        return i == start ? 0 : i;
    }

    /// <summary>xtopt_parse_float: C's strtod over the whole text, within [min, max] when the option has bounds.</summary>
    private static bool IsDouble(string text, XtOption option)
    {
        if (!CDouble.TryParse(text, out var value)) return false;
        if (option.Min == option.Max) return true;
        // A NaN passes both comparisons in C, as here.
        return !(value < option.Min) && !(value > option.Max);
    }
}
