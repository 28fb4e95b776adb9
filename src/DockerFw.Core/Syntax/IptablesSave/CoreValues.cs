using System.Diagnostics.CodeAnalysis;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>The values of the core options: addresses, interfaces, protocols.</summary>
internal static class CoreValues
{
    private static readonly Memo<AddressMask> V4Addresses = new((string text, [MaybeNullWhen(false)] out AddressMask value) =>
        XtablesAddress.TryParseMasked(text, IpFamily.V4, out value));

    private static readonly Memo<AddressMask> V6Addresses = new((string text, [MaybeNullWhen(false)] out AddressMask value) =>
        XtablesAddress.TryParseMasked(text, IpFamily.V6, out value));

    public static AddressMask? Address(Token token, RuleContext context)
    {
        var family = context.Family;
        if (XtablesAddress.TryParsePlainMasked(token.Text, family, out var plain)) return plain;
        if ((family == IpFamily.V4 ? V4Addresses : V6Addresses).TryParse(token.Text, out var value)) return value;
        var other = family == IpFamily.V4 ? IpFamily.V6 : IpFamily.V4;
        if (XtablesAddress.TryParseMasked(token.Text, other, out _))
        {
            context.Report(Messages.WrongFamily(context.At(token),
                $"an {MatchBinders.FamilyName(family)} address ({(family == IpFamily.V4 ? "iptables" : "ip6tables")})", token.Text));
            return null;
        }

        return context.Bad<AddressMask>(token, $"an {MatchBinders.FamilyName(family)} address ADDR[/LEN or /MASK]");
    }

    public static InterfacePattern? Interface(Token token, RuleContext context)
    {
        var text = token.Text;
        // The kernel's limit is 15 bytes (IFNAMSIZ less its NUL), not 15 characters. xtables_parse_interface only
        // warns of '/' and ' ' ("not allowed by the kernel") and loads them, as any other byte: -o fe80::/10 is a name.
        var valid = text.Length > 0 && Utf8Escaped.ByteCount(text) <= InterfacePattern.MaxLength && !text.Contains('\0');
        return valid ? new InterfacePattern(text) : context.Bad<InterfacePattern>(token, "an interface name of 1-15 bytes (a trailing + is a wildcard)");
    }

    /// <summary>
    /// xtables_parse_protocol: a number first (<see cref="XtablesNumber"/>: <c>010</c> is 8, egp), then a
    /// name. A number written otherwise than in decimal is kept as the name save prints.
    /// </summary>
    public static Protocol? ProtocolOf(Token token, RuleContext context) =>
        Protocols.TryParse(token.Text, out var protocol)
            ? protocol
            : context.Bad<Protocol>(token, "a protocol name or number (tcp, udp, icmp, 47, ...)");

    /// <summary>Whether xtables_parse_protocol reads <paramref name="text"/> (a number up to 255 or a name).</summary>
    public static bool IsProtocol(string text) => Protocols.TryParse(text, out _);

    // One Protocol per text, shared by every rule that names it (records: compared by value).
    private static readonly Memo<Protocol> Protocols = new((string text, [MaybeNullWhen(false)] out Protocol value) =>
    {
        if (XtablesNumber.TryParse(text, 255, out var number))
        {
            value = number.ToString(System.Globalization.CultureInfo.InvariantCulture) == text ? new Protocol(number, text) : Protocol.FromNumber(number);
            return true;
        }

        value = Protocol.TryParse(text, out var named) && !char.IsAsciiDigit(text[0]) ? named : null;
        return value is not null;
    });
}
