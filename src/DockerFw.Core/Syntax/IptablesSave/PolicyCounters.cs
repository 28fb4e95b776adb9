using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// The counters of a built-in chain's line as iptables-restore reads them: <c>sscanf(text,
/// "[%llu:%llu]")</c> matching both numbers, so anything after them is ignored (<c>[1:2]x</c>),
/// blanks and a sign may precede each number, and a negative one wraps as strtoull does.
/// </summary>
internal static class PolicyCounters
{
    public static bool TryParse(string text, out Counters counters)
    {
        counters = Counters.Zero;
        var at = 0;
        if (!Literal(text, ref at, '[') || !Number(text, ref at, out var packets)) return false;
        if (!Literal(text, ref at, ':') || !Number(text, ref at, out var bytes)) return false;
        counters = new Counters(packets, bytes);
        return true;
    }

    private static bool Literal(string text, ref int at, char c)
    {
        if (at >= text.Length || text[at] != c) return false;
        at++;
        return true;
    }

    // %llu: optional white space, an optional sign, then decimal digits (at least one); overflow saturates.
    internal static bool Number(string text, ref int at, out ulong value)
    {
        value = 0;
        while (at < text.Length && char.IsWhiteSpace(text[at])) at++;
        var negative = at < text.Length && text[at] == '-';
        if (at < text.Length && text[at] is '-' or '+') at++;
        var start = at;
        var overflow = false;
        while (at < text.Length && char.IsAsciiDigit(text[at]))
        {
            var digit = (ulong)(text[at++] - '0');
            if (value > (ulong.MaxValue - digit) / 10) overflow = true;
            else value = value * 10 + digit;
        }

        if (at == start) return false;
        if (overflow) value = ulong.MaxValue;
        if (negative) value = unchecked(0 - value);
        return true;
    }
}
