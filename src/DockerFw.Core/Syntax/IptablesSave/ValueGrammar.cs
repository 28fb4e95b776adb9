using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using Sprache;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// Grammars for the values inside rule and chain lines, small pieces first. Each recognises a whole
/// argument; callers use <see cref="TryParse{T}"/> and render their own message.
/// </summary>
internal static class ValueGrammar
{
    private static Parser<T> Fail<T>(string expected) =>
        i => Result.Failure<T>(i, expected, [expected]);

    public static readonly Parser<ulong> U64 =
        Parse.Digit.AtLeastOnce().Text().Then(digits =>
            ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                ? Parse.Return(n)
                : Fail<ulong>("an unsigned 64-bit number"))
        .Named("an unsigned 64-bit number");

    /// <summary><c>[packets:bytes]</c>.</summary>
    public static readonly Parser<Counters> Counters =
        from open in Parse.Char('[')
        from packets in U64
        from colon in Parse.Char(':')
        from bytes in U64
        from close in Parse.Char(']')
        select new Counters(packets, bytes);

    private static readonly Parser<int> PortNumber =
        Parse.Digit.AtLeastOnce().Text().Then(digits =>
            int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= 65535
                ? Parse.Return(n)
                : Fail<int>("a port 0-65535"));

    private static readonly Parser<int> ServiceName =
        Parse.LetterOrDigit.Or(Parse.Chars("-_.")).AtLeastOnce().Text().Then(name =>
            Services.TryGetPort(name, out var n) ? Parse.Return(n) : Fail<int>("a port number or service name"));

    /// <summary>A port by number or by service name (<c>ssh</c> is 22), as iptables resolves it.</summary>
    public static readonly Parser<int> Port = PortNumber.Or(ServiceName).Named("a port number or service name");

    private static Parser<PortRange> RangeOf(char separator) =>
        (from first in Port.Optional()
         from rest in (from sep in Parse.Char(separator) from last in Port.Optional() select last).Optional()
         let lo = first.GetOrElse(0)
         let hi = rest.IsDefined ? rest.Get().GetOrElse(65535) : lo
         where (first.IsDefined || rest.IsDefined) && lo <= hi
         select new PortRange(lo, hi))
        .Named($"a port or range (P, P{separator}Q, P{separator}, {separator}Q)");

    /// <summary>tcp/udp/multiport ranges: <c>80</c>, <c>1024:65535</c>, <c>1024:</c>, <c>:1023</c>.</summary>
    public static readonly Parser<PortRange> ColonPortRange = RangeOf(':');

    /// <summary>
    /// <c>60000:29</c>: tcp and udp accept a range whose first port is above its last (the rule then
    /// never matches; multiport refuses it).
    /// </summary>
    public static readonly Parser<(int First, int Last)> ReversedColonRange =
        from first in Port
        from colon in Parse.Char(':')
        from last in Port
        where first > last
        select (first, last);

    /// <summary>NAT and MASQUERADE/REDIRECT ranges use a dash: <c>1024-2048</c>.</summary>
    public static readonly Parser<PortRange> DashPortRange = RangeOf('-');

    public static readonly Parser<ImmutableArray<PortRange>> PortList =
        ColonPortRange.DelimitedBy(Parse.Char(',')).Select(r => r.ToImmutableArray());

    private static readonly Parser<string> V4AddressText = Parse.Digit.Or(Parse.Char('.')).AtLeastOnce().Text();

    private static readonly Parser<string> V6AddressText =
        Parse.LetterOrDigit.Or(Parse.Chars(":.")).AtLeastOnce().Text();

    private static Parser<UInt128> Address(IpFamily family, Parser<string> text) =>
        text.Then(t => IpAddressValue.TryParse(t, family, out var v) ? Parse.Return(v) : Fail<UInt128>("an address"));

    private static Parser<(UInt128 First, UInt128 Last)> AddressRange(IpFamily family, Parser<string> text) =>
        from first in Address(family, text)
        from last in (from dash in Parse.Char('-') from a in Address(family, text) select a).Optional()
        select (first, last.GetOrElse(first));

    private static Parser<NatRange> NatRangeOf(IpFamily family)
    {
        var text = family == IpFamily.V4 ? V4AddressText : V6AddressText;
        var addresses = family == IpFamily.V4
            ? AddressRange(family, text)
            : (from open in Parse.Char('[') from r in AddressRange(family, text) from close in Parse.Char(']') select r)
              .Or(AddressRange(family, text));
        var ports = from colon in Parse.Char(':') from r in DashPortRange select r;
        return (from a in addresses.Optional()
                from p in ports.Optional()
                where a.IsDefined || p.IsDefined
                select new NatRange(
                    family,
                    a.IsDefined ? a.Get().First : null,
                    a.IsDefined ? a.Get().Last : null,
                    p.GetOrDefault()))
            .Named("an address range and/or ports (A[-B][:P[-Q]])");
    }

    public static readonly Parser<NatRange> V4NatRange = NatRangeOf(IpFamily.V4);

    public static readonly Parser<NatRange> V6NatRange = NatRangeOf(IpFamily.V6);

    public static readonly Memo<Counters> CachedCounters = new(Counters);

    public static readonly Memo<PortRange> CachedColonPortRange = new(ColonPortRange);

    public static readonly Memo<ImmutableArray<PortRange>> CachedPortList = new(PortList);

    /// <summary>
    /// The form nearly every DNAT takes, <c>A.B.C.D[:P]</c>, read without the grammar (whose per-character
    /// cost dominates kube-proxy dumps, where each address appears once); the rest goes to the grammar.
    /// </summary>
    public static bool TryParseNatRange(string text, IpFamily family, [MaybeNullWhen(false)] out NatRange value)
    {
        var colon = text.IndexOf(':');
        var address = colon < 0 ? text : text[..colon];
        if (family == IpFamily.V4 && !text.Contains('-') && address.Length > 0
            && IpAddressValue.TryParse(address, family, out var first))
        {
            if (colon < 0)
            {
                value = new NatRange(family, first, first, null);
                return true;
            }

            if (int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535)
            {
                value = new NatRange(family, first, first, PortRange.Single(port));
                return true;
            }
        }

        return (family == IpFamily.V4 ? V4NatRange : V6NatRange).TryParse(text, out value);
    }

    /// <summary>Parses the whole of <paramref name="text"/> or fails.</summary>
    public static bool TryParse<T>(this Parser<T> parser, string text, [MaybeNullWhen(false)] out T value)
    {
        var result = parser.End()(new Input(text));
        value = result.WasSuccessful ? result.Value : default!;
        return result.WasSuccessful;
    }
}
