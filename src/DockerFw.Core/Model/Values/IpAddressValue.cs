using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DockerFw.Core.Model.Values;

/// <summary>
/// Addresses as unsigned integers of their family's width, so that masks, ranges and header-space
/// arithmetic are plain integer operations.
/// </summary>
public static class IpAddressValue
{
    public static bool TryParse(string text, IpFamily family, out UInt128 value)
    {
        value = 0;
        if (family == IpFamily.V4)
        {
            // IPAddress.TryParse accepts "10" or "10.1" (inet_aton forms); iptables does not.
            if (text.AsSpan().Count('.') != 3) return false;
            if (!IPAddress.TryParse(text, out var v4) || v4.AddressFamily != AddressFamily.InterNetwork) return false;
            Span<byte> b = stackalloc byte[4];
            v4.TryWriteBytes(b, out _);
            value = BinaryPrimitives.ReadUInt32BigEndian(b);
            return true;
        }

        if (Ipv6Text.TryParsePlain(text, out value)) return true;
        if (!text.Contains(':') || !IPAddress.TryParse(text, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            return false;
        if (v6.ScopeId != 0) return false;
        Span<byte> b6 = stackalloc byte[16];
        v6.TryWriteBytes(b6, out _);
        value = BinaryPrimitives.ReadUInt128BigEndian(b6);
        return true;
    }

    public static UInt128 Parse(string text, IpFamily family) =>
        TryParse(text, family, out var v) ? v : throw new FormatException($"not an {family} address: '{text}'");

    /// <summary><see cref="Format"/> into <paramref name="text"/>; an IPv4 address without a string of its own.</summary>
    public static StringBuilder AppendTo(StringBuilder text, UInt128 value, IpFamily family)
    {
        if (family != IpFamily.V4)
        {
            Span<char> v6 = stackalloc char[Ipv6Text.MaxLength];
            return Ipv6Text.TryFormat(value, v6, out var length) ? text.Append(v6[..length]) : text.Append(Format(value, family));
        }

        var v = (uint)value;
        return text.Append(v >> 24).Append('.').Append((v >> 16) & 0xff).Append('.').Append((v >> 8) & 0xff).Append('.').Append(v & 0xff);
    }

    public static string Format(UInt128 value, IpFamily family)
    {
        if (family == IpFamily.V4)
        {
            var v = (uint)value;
            return $"{v >> 24}.{(v >> 16) & 0xff}.{(v >> 8) & 0xff}.{v & 0xff}";
        }

        Span<char> plain = stackalloc char[Ipv6Text.MaxLength];
        if (Ipv6Text.TryFormat(value, plain, out var written)) return new string(plain[..written]);
        Span<byte> b = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(b, value);
        return new IPAddress(b).ToString();
    }

    public static IpFamily? FamilyOf(string text) =>
        TryParse(text, IpFamily.V4, out _) ? IpFamily.V4
        : TryParse(text, IpFamily.V6, out _) ? IpFamily.V6
        : null;
}
