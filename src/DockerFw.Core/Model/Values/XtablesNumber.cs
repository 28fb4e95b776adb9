namespace DockerFw.Core.Model.Values;

/// <summary>
/// Numbers as iptables reads them: C's <c>strtoul</c> with base 0, through libxtables'
/// <c>xtables_strtoui</c>. Leading blanks are skipped, one '+' may follow, <c>0x</c>/<c>0X</c> starts
/// hexadecimal and a leading <c>0</c> octal, so <c>010</c> is 8, <c>0x50</c> is 80 and <c>08</c>,
/// <c>0x</c> and <c>00008</c> are no number at all; '-' is refused. Docker's and nft's numbers are
/// decimal: this is for iptables' text only.
/// </summary>
public static class XtablesNumber
{
    /// <summary><c>xtables_strtoui(s, NULL, ...)</c>: the whole text is one number of at most <paramref name="max"/>.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, ulong max, out ulong value) =>
        TryParsePrefix(text, out value, out var used) && used == text.Length && value <= max;

    /// <summary><see cref="TryParse(ReadOnlySpan{char}, ulong, out ulong)"/> for values that fit an int.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, int max, out int value)
    {
        var ok = TryParse(text, (ulong)max, out var v);
        value = ok ? (int)v : 0;
        return ok;
    }

    /// <summary>
    /// <c>xtables_strtoui(s, &amp;end, ...)</c>: the number at the start of <paramref name="text"/> and how
    /// many characters it took; false when no digit starts it, for '-', or past 64 bits (ERANGE).
    /// </summary>
    public static bool TryParsePrefix(ReadOnlySpan<char> text, out ulong value, out int used)
    {
        value = 0;
        used = 0;
        var i = SkipBlanks(text);
        if (i < text.Length && text[i] == '-') return false;
        if (i < text.Length && text[i] == '+') i++;
        var radix = 10;
        if (i < text.Length && text[i] == '0')
        {
            if (i + 2 < text.Length && text[i + 1] is 'x' or 'X' && Digit(text[i + 2], 16) >= 0)
            {
                radix = 16;
                i += 2;
            }
            else radix = 8;
        }

        var start = i;
        while (i < text.Length && Digit(text[i], radix) is var d && d >= 0)
        {
            if (value > (ulong.MaxValue - (ulong)d) / (ulong)radix) return false;
            value = value * (ulong)radix + (ulong)d;
            i++;
        }

        if (i == start) return false;
        used = i;
        return true;
    }

    /// <summary>
    /// C's <c>strtoul(s, &amp;end, 10)</c> over the whole text, as glibc's getaddrinfo reads a numeric
    /// service: blanks and a sign allowed ('-' wraps around), saturating at 2^64-1 (no error).
    /// </summary>
    public static bool TryParseDecimalWrapping(ReadOnlySpan<char> text, out ulong value)
    {
        value = 0;
        var i = SkipBlanks(text);
        var negative = false;
        if (i < text.Length && text[i] is '+' or '-')
        {
            negative = text[i] == '-';
            i++;
        }

        var start = i;
        var saturated = false;
        while (i < text.Length && Digit(text[i], 10) is var d && d >= 0)
        {
            if (value > (ulong.MaxValue - (ulong)d) / 10) saturated = true;
            else value = value * 10 + (ulong)d;
            i++;
        }

        if (i == start || i != text.Length) return false;
        if (saturated) value = ulong.MaxValue;
        else if (negative) value = unchecked(0 - value);
        return true;
    }

    // C's isspace in the C locale.
    private static int SkipBlanks(ReadOnlySpan<char> text)
    {
        var i = 0;
        while (i < text.Length && text[i] is ' ' or '\t' or '\n' or '\v' or '\f' or '\r') i++;
        return i;
    }

    private static int Digit(char c, int radix)
    {
        var d = c is >= '0' and <= '9' ? c - '0'
            : c is >= 'a' and <= 'f' ? c - 'a' + 10
            : c is >= 'A' and <= 'F' ? c - 'A' + 10
            : -1;
        return d < radix ? d : -1;
    }
}
