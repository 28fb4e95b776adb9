using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// The string options whose words an extension's own parse function reads after libxtables has taken the text
/// (XTTYPE_STRING): what a valid value looks like for the message, null when restore takes it, by extension and
/// option, as <see cref="XtablesValues"/> asks.
/// </summary>
internal static class XtablesWords
{
    public static string? Problem(string owner, string option, string text) => (owner, option) switch
    {
        ("time", "--datestart") or ("time", "--datestop") => XtablesTime.IsDate(text) ? null : "a date YYYY[-MM[-DD[Thh[:mm[:ss]]]]] from 1970 to 2038",
        ("time", "--timestart") or ("time", "--timestop") => XtablesTime.Daytime(text) is not null ? null : "a time of day hh:mm[:ss] (00:00:00-23:59:59)",
        ("time", "--weekdays") => XtablesTime.IsWeekdays(text) ? null : "weekdays (Mon,Tue,... or 1-7, separated by ',')",
        ("time", "--monthdays") => XtablesTime.IsMonthdays(text) ? null : "days of the month (0-31, separated by ',')",
        ("hashlimit", "--hashlimit-upto") or ("hashlimit", "--hashlimit-above") or ("hashlimit", "--hashlimit") =>
            HashlimitValues.Rate(text) is not null ? null : "a rate N[/second|/minute|/hour|/day] or N[k|m]b/s, not 0 nor faster than 1,000,000/s",
        ("hashlimit", "--hashlimit-burst") => HashlimitValues.Burst(text) is not null ? null : "a burst 1-1000000 (or N[k|m] bytes)",
        ("hashlimit", "--hashlimit-mode") => HashlimitValues.IsMode(text) ? null : "hashlimit modes (srcip, srcport, dstip, dstport, separated by ',')",
        ("hashlimit", "--hashlimit-rate-interval") => HashlimitValues.IsInterval(text) ? null : "an interval in seconds above 0",
        ("CT", "--ctevents") => Events(text, CtEvents) ? null : $"conntrack events ({string.Join(",", CtEvents)})",
        ("CT", "--expevents") => Events(text, ["new"]) ? null : "expectation events (new)",
        ("dscp", "--dscp-class") or ("DSCP", "--set-dscp-class") => DscpClass(text) is not null ? null : "a DSCP class (CS0-CS7, BE, AF11-AF43, EF)",
        ("bpf", "--bytecode") => BpfBytecode.Problem(text),
        ("string", "--string") => Utf8Escaped.ByteCount(text) is > 0 and <= StringMax ? null : $"a string of 1-{StringMax} bytes",
        ("string", "--hex-string") => HexStringLength(text) is > 0 and <= StringMax ? null : $"a string of 1-{StringMax} bytes, hex bytes between '|' (|41 42|)",
        _ => null,
    };

    /// <summary>XT_STRING_MAX_PATTERN_SIZE; an empty pattern fails the kernel's check.</summary>
    private const int StringMax = 128;

    /// <summary>
    /// libxt_string's parse_hex_string: plain characters, <c>\c</c> for c itself, and between '|' pairs of hex digits, each
    /// pair maybe followed by a blank (blanks right after the opening '|' skipped); the pattern's length, null when refused.
    /// </summary>
    private static int? HexStringLength(string s)
    {
        int i = 0, length = 0;
        var hex = false;
        while (i < s.Length)
        {
            if (s[i] == '\\')
            {
                if (hex || i + 1 >= s.Length) return null;
                i += 2;
            }
            else if (s[i] == '|')
            {
                hex = !hex;
                if (hex) while (i + 1 < s.Length && s[i + 1] == ' ') i++;
                i++;
                continue;
            }
            else if (hex)
            {
                if (i + 2 >= s.Length || !char.IsAsciiHexDigit(s[i]) || !char.IsAsciiHexDigit(s[i + 1])) return null;
                i += s[i + 2] == ' ' ? 3 : 2;
            }
            else i++;

            length++;
        }

        return length;
    }

    private static readonly string[] CtEvents =
        ["new", "related", "destroy", "reply", "assured", "protoinfo", "helper", "mark", "natseqinfo", "secmark"];

    /// <summary>libxt_CT's ct_parse_events: strsep on ',', so every item (an empty one too) must be an event's name, case counting.</summary>
    private static bool Events(string text, string[] names) => text.Split(',').All(names.Contains);

    // Not frozen: the table is built at every start, and freezing it cost more than the lookups of `fmt` of a small dump
    // save (all the reader's frozen tables: 1.4 -> 0.7 M instructions of start; docs/performance.md, "Reader on every shape").
    private static readonly Dictionary<string, int> DscpClasses = new(StringComparer.Ordinal)
    {
        ["CS0"] = 0x00, ["CS1"] = 0x08, ["CS2"] = 0x10, ["CS3"] = 0x18, ["CS4"] = 0x20, ["CS5"] = 0x28, ["CS6"] = 0x30,
        ["CS7"] = 0x38, ["BE"] = 0x00, ["AF11"] = 0x0a, ["AF12"] = 0x0c, ["AF13"] = 0x0e, ["AF21"] = 0x12, ["AF22"] = 0x14,
        ["AF23"] = 0x16, ["AF31"] = 0x1a, ["AF32"] = 0x1c, ["AF33"] = 0x1e, ["AF41"] = 0x22, ["AF42"] = 0x24,
        ["AF43"] = 0x26, ["EF"] = 0x2e,
    };

    /// <summary>
    /// xtables' class_to_dscp: the first class whose name begins the value, in any case (strncasecmp over the
    /// name's length), so <c>af11</c> and <c>AF111</c> are AF11 and <c>AF1</c> is nothing.
    /// </summary>
    public static int? DscpClass(string text)
    {
        foreach (var (name, value) in DscpClasses)
            if (text.StartsWith(name, StringComparison.OrdinalIgnoreCase)) return value;
        return null;
    }
}
