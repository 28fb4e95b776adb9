using System.Diagnostics.CodeAnalysis;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// Addresses as iptables reads them, which depends on where they are written:
/// <list type="bullet">
/// <item><c>-s</c>/<c>-d</c> and <c>-m iprange</c>: libxtables' numeric_to_ipaddr, one to four
/// <see cref="XtablesNumber"/> parts of 0-255 with the missing ones zero (<c>1.2.3</c> is 1.2.3.0,
/// <c>010.1.2.3</c> is 8.1.2.3); what it refuses goes to getaddrinfo, whose numeric form is inet_aton's
/// (<c>16909060</c> is 1.2.3.4, <c>1.2.768</c> is 1.2.3.0). Host names would need DNS: refused.</item>
/// <item>the NAT targets: inet_pton, four decimal parts without leading zeros.</item>
/// </list>
/// IPv6 is inet_pton everywhere. Prefix lengths are <see cref="XtablesNumber"/>s (<c>/0x10</c> is /16).
/// </summary>
internal static class XtablesAddress
{
    /// <summary><c>ADDR[/LEN or /MASK]</c> of <c>-s</c>/<c>-d</c> (xtables_ipparse_any, ip6parse_any).</summary>
    public static bool TryParseMasked(string text, IpFamily family, out AddressMask? value)
    {
        value = null;
        var slash = text.LastIndexOf('/');
        var addressText = slash < 0 ? text : text.AsSpan(0, slash);
        if (!TryParseHost(addressText, family, out var address)) return false;
        var mask = family.AllOnes();
        if (slash >= 0 && !TryParseMask(text.AsSpan(slash + 1), family, out mask)) return false;
        value = new AddressMask(family, address, mask);
        return true;
    }

    /// <summary>
    /// <c>ADDR[/LEN]</c> of <c>-s</c>/<c>-d</c> in the form save writes it: IPv4 in plain dotted decimal (no leading zeros)
    /// or IPv6 in inet_pton's form without an IPv4 part, the length in decimal without leading zeros. Every reading of
    /// <see cref="TryParseMasked"/> gives such text the same value; false for any other text (which it may still read).
    /// </summary>
    /// <remarks>
    /// A dump's addresses are mostly distinct (100,000 banned hosts, a port per container), so the binder reads this
    /// form here, without the memo of the other forms, whose lookups and insertions cost as much as the reading.
    /// </remarks>
    public static bool TryParsePlainMasked(string text, IpFamily family, [NotNullWhen(true)] out AddressMask? value)
    {
        value = null;
        var slash = text.LastIndexOf('/');
        var addressText = slash < 0 ? text.AsSpan() : text.AsSpan(0, slash);
        UInt128 address;
        if (family == IpFamily.V4 && TryParseStrictV4(addressText, out var v4)) address = v4;
        else if (family != IpFamily.V6 || !Ipv6Text.TryParsePlain(addressText, out address)) return false;
        var length = family.Bits();
        if (slash >= 0 && !TryParsePlainLength(text.AsSpan(slash + 1), family.Bits(), out length)) return false;
        value = new AddressMask(family, address, AddressMask.PrefixMask(family, length));
        return true;
    }

    /// <summary>A prefix length in decimal without leading zeros, up to <paramref name="bits"/>.</summary>
    private static bool TryParsePlainLength(ReadOnlySpan<char> text, int bits, out int length)
    {
        length = 0;
        if (text.Length is 0 or > 3 || (text.Length > 1 && text[0] == '0')) return false;
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c)) return false;
            length = length * 10 + (c - '0');
        }

        return length <= bits;
    }

    /// <summary>One address of <c>-s</c>/<c>-d</c> or <c>-m iprange</c>.</summary>
    public static bool TryParseHost(ReadOnlySpan<char> text, IpFamily family, out UInt128 value)
    {
        if (family == IpFamily.V6) return TryParseV6(text, out value);
        value = 0;
        if (TryParseNumeric(text, isMask: false, out var v4) || TryInetAton(text, out v4))
        {
            value = v4;
            return true;
        }

        return false;
    }

    /// <summary>inet_pton(AF_INET6); the plain form without a string of its own.</summary>
    private static bool TryParseV6(ReadOnlySpan<char> text, out UInt128 value) =>
        Ipv6Text.TryParsePlain(text, out value) || IpAddressValue.TryParse(text.ToString(), IpFamily.V6, out value);

    /// <summary>
    /// <c>ADDR[/LEN or /MASK]</c> of the guided parser's XTTYPE_HOSTMASK (<c>-m conntrack --ctorigsrc</c> and
    /// the like): split at the first <c>/</c>; the address through getaddrinfo (inet_aton's numbers:
    /// <c>1.2.3</c> is 1.2.0.3, <c>010.1.2.3</c> is 8.1.2.3; a host name would need DNS: refused); the
    /// length an <see cref="XtablesNumber"/> up to the family's bits, else a mask of one to four parts
    /// (<c>/33</c> is the mask 33.0.0.0). The address is kept unmasked, as the kernel keeps and save prints it.
    /// </summary>
    public static bool TryParseHostMask(string text, IpFamily family, out UInt128 address, out UInt128 mask)
    {
        address = 0;
        mask = family.AllOnes();
        var slash = text.IndexOf('/');
        var hostText = slash < 0 ? text : text[..slash];
        if (family == IpFamily.V6)
        {
            if (!IpAddressValue.TryParse(hostText, family, out address)) return false;
        }
        else if (TryInetAton(hostText, out var v4)) address = v4;
        else return false;

        if (slash < 0) return true;
        var maskText = text[(slash + 1)..];
        if (XtablesNumber.TryParse(maskText, family.Bits(), out int length))
        {
            mask = AddressMask.PrefixMask(family, length);
            return true;
        }

        if (family == IpFamily.V6) return maskText.Contains(':') && IpAddressValue.TryParse(maskText, family, out mask);
        if (!TryParseNumeric(maskText, isMask: false, out var dotted)) return false;
        mask = dotted;
        return true;
    }

    /// <summary>parse_ipmask/parse_ip6mask: a dotted (or IPv6) mask, else a prefix length.</summary>
    private static bool TryParseMask(ReadOnlySpan<char> text, IpFamily family, out UInt128 mask)
    {
        mask = 0;
        if (family == IpFamily.V4 && TryParseNumeric(text, isMask: true, out var dotted))
        {
            mask = dotted;
            return true;
        }

        if (family == IpFamily.V6 && text.Contains(':')) return TryParseV6(text, out mask);
        if (!XtablesNumber.TryParse(text, family.Bits(), out int length)) return false;
        mask = AddressMask.PrefixMask(family, length);
        return true;
    }

    /// <summary>
    /// xtables_numeric_to_ipaddr: up to four dot-separated parts of 0-255, each an
    /// <see cref="XtablesNumber"/>; fewer parts leave the rest zero, except in a mask, which needs four.
    /// </summary>
    private static bool TryParseNumeric(ReadOnlySpan<char> text, bool isMask, out uint value)
    {
        value = 0;
        var parts = text.Count('.') + 1;
        if (parts > 4 || (isMask && parts != 4)) return false;
        // Part by part over the span: a Split per address was most of what fail2ban's read allocated.
        for (var i = 0; i < parts; i++)
        {
            var part = NextPart(ref text);
            if (!XtablesNumber.TryParse(part, 255UL, out var octet)) return false;
            value |= (uint)octet << (24 - 8 * i);
        }

        return true;
    }

    /// <summary>
    /// glibc's inet_aton as getaddrinfo uses it (no trailing characters): one to four parts, each
    /// decimal, 0x-hex or 0-octal without sign or blank, the last filling the remaining bytes.
    /// </summary>
    private static bool TryInetAton(ReadOnlySpan<char> text, out uint value)
    {
        value = 0;
        var parts = text.Count('.') + 1;
        if (parts > 4) return false;
        Span<ulong> numbers = stackalloc ulong[4];
        for (var i = 0; i < parts; i++)
        {
            var part = NextPart(ref text);
            if (part.Length == 0 || !char.IsAsciiDigit(part[0])) return false;
            if (!XtablesNumber.TryParse(part, uint.MaxValue, out numbers[i])) return false;
        }

        for (var i = 0; i < parts - 1; i++)
        {
            if (numbers[i] > 255) return false;
            value |= (uint)numbers[i] << (24 - 8 * i);
        }

        var lastBits = 32 - 8 * (parts - 1);
        var last = numbers[parts - 1];
        if (lastBits < 32 && last >> lastBits != 0) return false;
        value |= (uint)last;
        return true;
    }

    /// <summary>The text up to the next <c>.</c> (or the end), and <paramref name="rest"/> moved past it.</summary>
    private static ReadOnlySpan<char> NextPart(ref ReadOnlySpan<char> rest)
    {
        var dot = rest.IndexOf('.');
        if (dot < 0)
        {
            var all = rest;
            rest = [];
            return all;
        }

        var part = rest[..dot];
        rest = rest[(dot + 1)..];
        return part;
    }

    /// <summary>inet_pton(AF_INET): exactly four decimal parts of 0-255, no leading zero, nothing else.</summary>
    public static bool TryParseStrictV4(ReadOnlySpan<char> text, out uint value)
    {
        value = 0;
        var parts = 0;
        var i = 0;
        while (true)
        {
            var start = i;
            var octet = 0;
            while (i < text.Length && char.IsAsciiDigit(text[i]) && i - start < 4)
            {
                octet = octet * 10 + (text[i] - '0');
                i++;
            }

            var digits = i - start;
            if (digits == 0 || digits > 3 || octet > 255 || (digits > 1 && text[start] == '0')) return false;
            value = (value << 8) | (uint)octet;
            parts++;
            if (i == text.Length) return parts == 4;
            if (text[i] != '.' || parts == 4) return false;
            i++;
        }
    }
}
