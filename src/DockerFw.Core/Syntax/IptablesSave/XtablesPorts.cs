using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// Ports as the extensions read them, which is not one way: tcp, sctp and multiport use
/// <c>xtables_parse_port</c> (a service name, else <see cref="XtablesNumber"/>: <c>010</c> is 8),
/// udp and dccp <c>xtables_getportbyname</c> (getaddrinfo: a service name, else decimal, <c>010</c>
/// is 10 and 65536 is 0), the NAT targets <c>xtables_strtoui</c> with a dash between the ends.
/// </summary>
internal static class XtablesPorts
{
    // One object per single port, shared: ranges are immutable records compared by value, and
    // three per rule (multiport) were a tenth of what reading a 100,000-rule dump allocated.
    private static readonly PortRange?[] Singles = new PortRange?[65536];

    /// <summary><c>new PortRange(first, last)</c>, the same object for every use of one single port.</summary>
    public static PortRange Range(int first, int last) =>
        first == last && first is >= 0 and <= 65535 ? Singles[first] ??= PortRange.Single(first) : new PortRange(first, last);

    /// <summary>How a module reads a port range.</summary>
    public enum Style
    {
        /// <summary>libxt_tcp/libxt_sctp: P or [P]:[Q] split at the first ':', base-0 numbers, P &lt;= Q.</summary>
        ParsePort,

        /// <summary>libxt_udp/libxt_dccp (xtopt_parse_mport): up to two ':'-separated parts, decimal, any order.</summary>
        GetPortByName,
    }

    /// <summary><c>xtables_parse_port</c>: a service name, else a base-0 number up to 65535.</summary>
    public static bool TryParsePort(ReadOnlySpan<char> text, out int port) =>
        Services.TryGetPort(text, out port) || XtablesNumber.TryParse(text, 65535, out port);

    /// <summary>
    /// <c>xtables_getportbyname</c>: a service name, else what getaddrinfo makes of a decimal service:
    /// the low 32 bits as an int, refused when negative, and its low 16 bits are the port.
    /// </summary>
    public static bool TryGetPortByName(ReadOnlySpan<char> text, out int port)
    {
        if (Services.TryGetPort(text, out port)) return true;
        if (!XtablesNumber.TryParseDecimalWrapping(text, out var value) || unchecked((int)(uint)value) < 0) return false;
        port = (int)(value & 0xFFFF);
        return true;
    }

    /// <summary>
    /// A <c>--sport</c>/<c>--dport</c> value: <paramref name="first"/> may be above <paramref name="last"/>
    /// only in <see cref="Style.GetPortByName"/>, which loads such a range (it then matches nothing).
    /// </summary>
    public static bool TryParseRange(ReadOnlySpan<char> text, Style style, out int first, out int last)
    {
        first = 0;
        last = 65535;
        var colon = text.IndexOf(':');
        if (style == Style.ParsePort)
        {
            if (colon < 0)
            {
                var ok = TryParsePort(text, out first);
                last = first;
                return ok;
            }

            return (colon == 0 || TryParsePort(text[..colon], out first))
                && (colon == text.Length - 1 || TryParsePort(text[(colon + 1)..], out last))
                && first <= last;
        }

        // strsep on ':': an empty part keeps its default (0, 65535); one part is a single port.
        var head = colon < 0 ? text : text[..colon];
        var tail = colon < 0 ? [] : text[(colon + 1)..];
        if (tail.Contains(':')) return false;
        if (head.Length > 0 && !TryGetPortByName(head, out first)) return false;
        if (colon < 0)
        {
            last = first;
            return true;
        }

        return tail.Length == 0 || TryGetPortByName(tail, out last);
    }

    /// <summary>
    /// libxt_NAT's parse_ports (DNAT/SNAT after ':', MASQUERADE/REDIRECT <c>--to-ports</c>): P or P-Q,
    /// base-0 numbers up to 65535, Q not below P.
    /// </summary>
    public static bool TryParseNatPorts(string text, out PortRange? range)
    {
        range = null;
        if (!XtablesNumber.TryParsePrefix(text, out var first, out var used) || first > 65535) return false;
        if (used == text.Length)
        {
            range = Range((int)first, (int)first);
            return true;
        }

        if (text[used] != '-' || !XtablesNumber.TryParse(text.AsSpan(used + 1), 65535UL, out var last) || last < first) return false;
        range = new PortRange((int)first, (int)last);
        return true;
    }
}
