using System.CommandLine;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;

namespace DockerFw.Cli.Commands;

/// <summary>Option pieces the packet commands (trace, reach) share.</summary>
internal static class SharedOptions
{
    /// <summary>An option that takes one of a fixed list of words, shown as <c>a|b|c</c> in help.</summary>
    public static Option<string?> Choice(string name, string description, params string[] values)
    {
        var option = new Option<string?>(name) { Description = description, HelpName = string.Join('|', values) };
        option.AcceptOnlyFromAmong(values);
        return option;
    }

    /// <summary><c>--host-address IF=ADDR/LEN</c>; null when the text is not of that form.</summary>
    public static InterfaceAddress? HostAddress(string text)
    {
        var equals = text.IndexOf('=');
        if (equals <= 0) return null;
        var cidr = text[(equals + 1)..];
        var slash = cidr.IndexOf('/');
        if (slash < 0 || IpAddressValue.FamilyOf(cidr[..slash]) is not { } family) return null;
        if (!int.TryParse(cidr[(slash + 1)..], out var prefix) || prefix < 0 || prefix > family.Bits()) return null;
        return new InterfaceAddress(text[..equals], family, IpAddressValue.Parse(cidr[..slash], family), prefix);
    }
}
