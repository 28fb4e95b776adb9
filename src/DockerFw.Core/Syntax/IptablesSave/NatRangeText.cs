using System.Diagnostics.CodeAnalysis;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// The <c>--to-destination</c>/<c>--to-source</c> value as libxt_NAT's parse_to reads it:
/// <c>A[-B][:P[-Q]]</c>, in IPv6 <c>A[-B]</c> or <c>[A[-B]]:P[-Q]</c>. The addresses are inet_pton's,
/// stricter than <c>-s</c>/<c>-d</c> (<c>010.0.0.1</c> and <c>10.00.0.1</c> are refused); the ports
/// are <see cref="XtablesPorts.TryParseNatPorts"/> (<c>:0x50</c> is 80).
/// </summary>
internal static class NatRangeText
{
    public static bool TryParse(string text, IpFamily family, [MaybeNullWhen(false)] out NatRange value)
    {
        value = null;
        string addresses;
        PortRange? ports = null;
        if (family == IpFamily.V4)
        {
            var colon = text.IndexOf(':');
            addresses = colon < 0 ? text : text[..colon];
            if (colon >= 0 && !XtablesPorts.TryParseNatPorts(text[(colon + 1)..], out ports)) return false;
        }
        else if (text.StartsWith('['))
        {
            var close = text.IndexOf(']');
            if (close < 0) return false;
            addresses = text[1..close];
            var rest = text[(close + 1)..];
            if (rest.Length > 0 && (rest[0] != ':' || !XtablesPorts.TryParseNatPorts(rest[1..], out ports))) return false;
        }
        else if (text.StartsWith(':') && text.IndexOf(':', 1) < 0)
        {
            // ":P" alone: ports without an address.
            addresses = "";
            if (!XtablesPorts.TryParseNatPorts(text[1..], out ports)) return false;
        }
        else addresses = text;

        if (addresses.Length == 0)
        {
            if (ports is null) return false;
            value = new NatRange(family, null, null, ports);
            return true;
        }

        var dash = addresses.IndexOf('-');
        if (!TryAddress(dash < 0 ? addresses : addresses[..dash], family, out var first)) return false;
        var last = first;
        if (dash >= 0 && !TryAddress(addresses[(dash + 1)..], family, out last)) return false;
        value = new NatRange(family, first, last, ports);
        return true;
    }

    private static bool TryAddress(string text, IpFamily family, out UInt128 value)
    {
        if (family == IpFamily.V6) return IpAddressValue.TryParse(text, family, out value);
        var ok = XtablesAddress.TryParseStrictV4(text, out var v4);
        value = v4;
        return ok;
    }
}
