using System.Numerics;
using System.Text;

namespace DockerFw.Core.Model.Values;

/// <summary>
/// An address with a mask, as iptables stores <c>-s</c>/<c>-d</c>: host bits are cleared, and the mask
/// need not be contiguous (<c>10.0.0.0/255.0.255.0</c>).
/// </summary>
public sealed record AddressMask
{
    public AddressMask(IpFamily family, UInt128 address, UInt128 mask)
    {
        Family = family;
        Mask = mask & family.AllOnes();
        Address = address & Mask;
    }

    public IpFamily Family { get; }

    public UInt128 Address { get; }

    public UInt128 Mask { get; }

    public static AddressMask Any(IpFamily family) => new(family, 0, 0);

    public static AddressMask Host(IpFamily family, UInt128 address) => new(family, address, family.AllOnes());

    public static UInt128 PrefixMask(IpFamily family, int length)
    {
        var bits = family.Bits();
        if (length <= 0) return 0;
        var ones = family.AllOnes();
        return length >= bits ? ones : ones ^ (ones >> length);
    }

    public static AddressMask FromPrefix(IpFamily family, UInt128 address, int length) =>
        new(family, address, PrefixMask(family, length));

    /// <summary>Prefix length when the mask is contiguous, else null.</summary>
    public int? PrefixLength
    {
        get
        {
            var ones = (int)UInt128.PopCount(Mask);
            return PrefixMask(Family, ones) == Mask ? ones : null;
        }
    }

    public bool IsContiguous => PrefixLength is not null;

    public bool Contains(UInt128 address) => (address & Mask) == Address;

    /// <summary>Lowest and highest address of a contiguous mask.</summary>
    public (UInt128 First, UInt128 Last) Bounds => (Address, Address | (~Mask & Family.AllOnes()));

    /// <summary>
    /// Parses <c>addr</c>, <c>addr/len</c> or <c>addr/maskaddr</c>; a bare address is a host.
    /// </summary>
    public static bool TryParse(string text, IpFamily family, out AddressMask? value)
    {
        value = null;
        var slash = text.IndexOf('/');
        var addrText = slash < 0 ? text : text[..slash];
        if (!IpAddressValue.TryParse(addrText, family, out var address)) return false;
        if (slash < 0)
        {
            value = Host(family, address);
            return true;
        }

        var maskText = text[(slash + 1)..];
        if (int.TryParse(maskText, System.Globalization.NumberStyles.None, null, out var length))
        {
            if (length > family.Bits() || maskText.Length > 3) return false;
            value = FromPrefix(family, address, length);
            return true;
        }

        if (!IpAddressValue.TryParse(maskText, family, out var mask)) return false;
        value = new AddressMask(family, address, mask);
        return true;
    }

    /// <summary>The text of <see cref="ToString"/>, appended.</summary>
    public StringBuilder AppendTo(StringBuilder text)
    {
        IpAddressValue.AppendTo(text, Address, Family).Append('/');
        return PrefixLength is { } len ? text.Append(len) : IpAddressValue.AppendTo(text, Mask, Family);
    }

    public override string ToString()
    {
        var addr = IpAddressValue.Format(Address, Family);
        return PrefixLength is { } len ? $"{addr}/{len}" : $"{addr}/{IpAddressValue.Format(Mask, Family)}";
    }
}
