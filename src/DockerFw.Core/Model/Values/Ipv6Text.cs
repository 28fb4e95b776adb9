namespace DockerFw.Core.Model.Values;

/// <summary>
/// The plain text form of an IPv6 address (eight groups of hex digits, one <c>::</c> at most), read
/// and written without an <see cref="System.Net.IPAddress"/>: one of those and its array per address
/// were most of what reading a 100,000-rule IPv6 dump allocated (docs/performance.md).
/// </summary>
/// <remarks>
/// Only the forms whose meaning is not in doubt are taken here; anything else (an embedded IPv4
/// address, a scope, blanks, brackets, seven groups beside <c>::</c>) is left to
/// <see cref="System.Net.IPAddress"/>, so what is accepted and what it means stay exactly what they
/// were. Likewise only addresses that IPAddress writes without an embedded IPv4 part are written
/// here. Tests compare both ways with IPAddress on random and edge-case addresses.
/// </remarks>
internal static class Ipv6Text
{
    /// <summary>The longest text <see cref="TryFormat"/> writes: eight groups of four digits and seven colons.</summary>
    public const int MaxLength = 39;

    /// <summary>False when <paramref name="text"/> is not in the plain form (it may still be an address).</summary>
    public static bool TryParsePlain(ReadOnlySpan<char> text, out UInt128 value)
    {
        value = 0;
        if (text.Length is < 2 or > MaxLength) return false;
        Span<ushort> head = stackalloc ushort[8];
        Span<ushort> tail = stackalloc ushort[8];
        int heads = 0, tails = 0;
        var compressed = false;
        var i = 0;
        if (text[0] == ':')
        {
            if (text[1] != ':') return false;
            compressed = true;
            i = 2;
            if (i == text.Length) return true;
        }

        while (true)
        {
            var start = i;
            var group = 0;
            while (i < text.Length && i - start < 5 && HexDigit(text[i]) is var d and >= 0)
            {
                group = (group << 4) | d;
                i++;
            }

            if (i == start || i - start > 4 || heads + tails == (compressed ? 6 : 8)) return false;
            if (compressed) tail[tails++] = (ushort)group;
            else head[heads++] = (ushort)group;
            if (i == text.Length) break;
            if (text[i] != ':' || i + 1 == text.Length) return false;
            i++;
            if (text[i] == ':')
            {
                if (compressed) return false;
                compressed = true;
                i++;
                if (i == text.Length) break;
            }
        }

        if (compressed ? heads + tails > 6 : heads != 8) return false;
        for (var g = 0; g < heads; g++) value |= (UInt128)head[g] << (112 - 16 * g);
        for (var g = 0; g < tails; g++) value |= (UInt128)tail[g] << (16 * (tails - 1 - g));
        return true;
    }

    /// <summary>
    /// <paramref name="value"/> as IPAddress writes it (lowercase, the first longest run of two or more
    /// zero groups as <c>::</c>); false for the addresses it writes with an IPv4 part, left to it.
    /// </summary>
    public static bool TryFormat(UInt128 value, Span<char> text, out int written)
    {
        written = 0;
        Span<ushort> groups = stackalloc ushort[8];
        for (var g = 0; g < 8; g++) groups[g] = (ushort)(value >> (112 - 16 * g));
        // IPAddress's ShouldHaveIpv4Embedded: ::x.x.x.x, ::ffff:x.x.x.x, ::ffff:0:x.x.x.x and ISATAP.
        if (groups[..4].IndexOfAnyExcept((ushort)0) < 0 || (groups[4] == 0 && groups[5] == 0x5EFE)) return false;
        if (text.Length < MaxLength) return false;

        int zeroStart = -1, zeroLength = 0, run = 0;
        for (var g = 0; g < 8; g++)
        {
            run = groups[g] == 0 ? run + 1 : 0;
            if (run > zeroLength)
            {
                zeroLength = run;
                zeroStart = g - run + 1;
            }
        }

        if (zeroLength < 2) zeroStart = -1;
        var at = 0;
        for (var g = 0; g < 8; g++)
        {
            if (g == zeroStart)
            {
                text[at++] = ':';
                text[at++] = ':';
                g += zeroLength - 1;
                continue;
            }

            if (at > 0 && text[at - 1] != ':') text[at++] = ':';
            at += WriteGroup(groups[g], text[at..]);
        }

        written = at;
        return true;
    }

    /// <summary>
    /// A group in lowercase hex without leading zeros, as <c>ushort.TryFormat(.., "x")</c> writes it; by hand because
    /// the general formatter was half of writing an IPv6 address (fmt of 100,000 IPv6 rules).
    /// </summary>
    private static int WriteGroup(ushort group, Span<char> text)
    {
        var digits = group >= 0x1000 ? 4 : group >= 0x100 ? 3 : group >= 0x10 ? 2 : 1;
        for (var d = digits - 1; d >= 0; d--)
        {
            text[d] = "0123456789abcdef"[group & 0xf];
            group >>= 4;
        }

        return digits;
    }

    private static int HexDigit(char c) =>
        c is >= '0' and <= '9' ? c - '0'
        : c is >= 'a' and <= 'f' ? c - 'a' + 10
        : c is >= 'A' and <= 'F' ? c - 'A' + 10
        : -1;
}
