namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// glibc's <c>strtoul</c> and <c>atoll</c>, for the extensions that call them directly instead of libxtables'
/// checked readers (libxt_time, libxt_hashlimit): blanks and one sign first, a '-' negating with wrap-around,
/// as many digits as read, the rest left to the caller.
/// </summary>
internal static class CNumbers
{
    /// <summary>
    /// <c>strtoul(s, &amp;end, radix)</c>, radix 10 or 0 (<c>0x</c> hexadecimal, a leading <c>0</c> octal):
    /// ULONG_MAX past 64 bits; <paramref name="end"/> is where reading stopped, 0 when no digit was read
    /// (C leaves <c>end</c> at the start then).
    /// </summary>
    public static ulong Strtoul(ReadOnlySpan<char> s, int radix, out int end)
    {
        var i = 0;
        while (i < s.Length && CDouble.IsSpace(s[i])) i++;
        var negative = i < s.Length && s[i] == '-';
        if (i < s.Length && s[i] is '+' or '-') i++;
        if (radix == 0)
        {
            radix = 10;
            if (i < s.Length && s[i] == '0')
            {
                radix = 8;
                if (i + 2 < s.Length && s[i + 1] is 'x' or 'X' && char.IsAsciiHexDigit(s[i + 2]))
                {
                    radix = 16;
                    i += 2;
                }
            }
        }

        var start = i;
        var value = 0UL;
        var overflow = false;
        for (; i < s.Length && Digit(s[i], radix) is var d && d >= 0; i++)
        {
            if (value > (ulong.MaxValue - (ulong)d) / (ulong)radix) overflow = true;
            else value = (value * (ulong)radix) + (ulong)d;
        }

        end = i == start ? 0 : i;
        if (i == start) return 0;
        if (overflow) return ulong.MaxValue;
        return negative ? unchecked(0 - value) : value;
    }

    /// <summary>
    /// One <c>%llu</c> (or narrower) conversion of <c>sscanf</c> from <paramref name="at"/>, which glibc reads
    /// with <c>strtoull</c> in base 10: at least one digit, else false. Past 64 bits the value is ULLONG_MAX
    /// whatever the sign (glibc: <c>"-18446744073709551616"</c> gives ULLONG_MAX, <c>"-18446744073709551615"</c>
    /// gives 1). The counters' brackets and <c>-m bpf --bytecode</c> read it.
    /// </summary>
    public static bool Scan(ReadOnlySpan<char> text, ref int at, out ulong value)
    {
        value = Strtoul(text[at..], 10, out var end);
        if (end == 0) return false;
        at += end;
        return true;
    }

    /// <summary><c>atoll(s)</c>: decimal, saturating at the 64-bit bounds, 0 when no digit starts the text.</summary>
    public static long Atoll(ReadOnlySpan<char> s)
    {
        var i = 0;
        while (i < s.Length && CDouble.IsSpace(s[i])) i++;
        var negative = i < s.Length && s[i] == '-';
        if (i < s.Length && s[i] is '+' or '-') i++;
        long value = 0;
        for (; i < s.Length && char.IsAsciiDigit(s[i]); i++)
        {
            var digit = s[i] - '0';
            if (value > (long.MaxValue - digit) / 10) return negative ? long.MinValue : long.MaxValue;
            value = (value * 10) + digit;
        }

        return negative ? -value : value;
    }

    private static int Digit(char c, int radix)
    {
        var d = c switch
        {
            >= '0' and <= '9' => c - '0',
            >= 'a' and <= 'z' => c - 'a' + 10,
            >= 'A' and <= 'Z' => c - 'A' + 10,
            _ => -1,
        };
        return d < radix ? d : -1;
    }
}
