using System.Collections.Immutable;
using System.Runtime.InteropServices;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>The binders that turn module options into typed conditions.</summary>
internal static class MatchBinders
{
    /// <summary>An option dockerfw knows by name and arity but does not interpret.</summary>
    public static Match Keep(OptionUse u) => new ModuleOptionMatch(u.Module, u.Name, u.ArgTexts, u.Negated);

    /// <summary>
    /// <c>--sport</c>/<c>--dport</c>, read as the module's extension reads it (<see cref="XtablesPorts"/>).
    /// A range whose first port is above its last loads in udp and dccp and matches nothing: kept,
    /// with a warning, in the numbers save prints.
    /// </summary>
    public static MatchBinder Port(AddressField field, XtablesPorts.Style style) => u =>
    {
        if (!XtablesPorts.TryParseRange(u.Arg.Text, style, out var first, out var last))
            return u.Context.Bad<Match>(u.Arg, style == XtablesPorts.Style.ParsePort
                ? "a port or range (P, P:Q, P:, :Q with P <= Q; a number reads as in C, 010 = 8, 0x10 = 16)"
                : "a port or range (P, P:Q, P:, :Q; a service name or a decimal number)");
        if (first <= last) return new PortMatch(field, XtablesPorts.Range(first, last), u.Negated);
        u.Context.Report(Messages.ReversedPortRange(u.Context.At(u.Arg), u.Arg.Text));
        return new ModuleOptionMatch(u.Module, u.Name, [$"{first}:{last}"], u.Negated);
    };

    public static Match? TcpFlags(OptionUse u)
    {
        if (!TryParseTcpFlags(u.Args[0].Text, out var mask)) return u.Context.Bad<Match>(u.Args[0], TcpFlagsExpected);
        if (!TryParseTcpFlags(u.Args[1].Text, out var compare)) return u.Context.Bad<Match>(u.Args[1], TcpFlagsExpected);
        return new TcpFlagsMatch(mask, compare, u.Negated);
    }

    /// <summary>libxt_tcp's parse_tcp_flag: strtok on ',', so empty items are skipped and "" or "," is no flag at all.</summary>
    private static bool TryParseTcpFlags(string text, out Model.Values.TcpFlags flags)
    {
        var items = text.Split(',', StringSplitOptions.RemoveEmptyEntries);
        flags = Model.Values.TcpFlags.None;
        return items.Length == 0 || TcpFlagsText.TryParse(string.Join(',', items), out flags);
    }

    /// <summary><c>--tcp-option</c>: libxt_tcp's xtables_strtoui, 0-255 in C's base 0, kept in the decimal save prints.</summary>
    public static Match? TcpOption(OptionUse u) =>
        XtablesNumber.TryParse(u.Arg.Text, 255UL, out var option)
            ? new ModuleOptionMatch(u.Module, u.Name, [option.ToString(System.Globalization.CultureInfo.InvariantCulture)], u.Negated)
            : u.Context.Bad<Match>(u.Arg, "a TCP option number 0-255 (as in C: 010 = 8, 0x10 = 16)");

    /// <summary>-m set's <c>--packets-*</c> and <c>--bytes-*</c>: libxt_set's parse_counter, a whole 64-bit number in C's base 0, kept in decimal.</summary>
    public static Match? SetCounter(OptionUse u) =>
        XtablesNumber.TryParse(u.Arg.Text, ulong.MaxValue, out var value)
            ? new ModuleOptionMatch(u.Module, u.Name, [value.ToString(System.Globalization.CultureInfo.InvariantCulture)], u.Negated)
            : u.Context.Bad<Match>(u.Arg, "a counter value (a number as in C: 010 = 8, 0x10 = 16)");

    private const string TcpFlagsExpected = "TCP flags (FIN,SYN,RST,PSH,ACK,URG, ALL or NONE)";

    /// <summary><c>--syn</c> is saved as the flags test it stands for.</summary>
    public static Match Syn(OptionUse u) =>
        new TcpFlagsMatch(Model.Values.TcpFlags.Fin | Model.Values.TcpFlags.Syn | Model.Values.TcpFlags.Rst | Model.Values.TcpFlags.Ack,
            Model.Values.TcpFlags.Syn, u.Negated);

    /// <summary>Up to 15 ports or P:Q ranges, each read by xtables_parse_port (<c>010</c> is 8).</summary>
    public static MatchBinder Multiport(MultiportField field) => u =>
    {
        // Cut at the commas in place: a string per port and an array per rule were most of what the
        // binder allocated on a dump of multiport rules.
        var text = u.Arg.Text.AsSpan();
        var ranges = new PortRange[text.Count(',') + 1];
        if (ranges.Length > 15) return BadPortList(u);
        var i = 0;
        foreach (var part in text.Split(','))
        {
            if (!XtablesPorts.TryParseRange(text[part], XtablesPorts.Style.ParsePort, out var first, out var last)) return BadPortList(u);
            ranges[i++] = XtablesPorts.Range(first, last);
        }

        return new MultiportMatch(field, ImmutableCollectionsMarshal.AsImmutableArray(ranges), u.Negated);
    };

    private static Match? BadPortList(OptionUse u) => u.Context.Bad<Match>(u.Arg, "a list of up to 15 ports or ranges (80,443,8000:8080)");

    public static Match? Icmp(OptionUse u) =>
        IcmpTypes.TryParse(u.Arg.Text, u.Context.Family, out var type, out var code)
            ? new IcmpTypeMatch(u.Context.Family, type, code, u.Negated)
            : u.Context.Bad<Match>(u.Arg, "an ICMP type (a name, any, T or T/C)");

    // A dump repeats a handful of state lists (NEW, RELATED,ESTABLISHED...) on thousands of rules.
    private static readonly Memo<ConntrackStates> StateLists = new(TryParseStates);

    public static Match? States(OptionUse u) =>
        StateLists.TryParse(u.Arg.Text, out var states)
            ? new ConntrackStateMatch(states, u.Negated, StateModule: u.Module == "state")
            : u.Context.Bad<Match>(u.Arg, $"conntrack states ({string.Join(",", ConntrackStatesText.Names)})");

    private static bool TryParseStates(string text, out ConntrackStates states)
    {
        states = ConntrackStates.None;
        foreach (var part in text.Split(','))
        {
            if (!ConntrackStatesText.TryParseOne(part, out var s)) return false;
            states |= s;
        }

        return true;
    }

    /// <summary>
    /// <c>--ctorigsrc</c>, <c>--ctorigdst</c>, <c>--ctreplsrc</c>, <c>--ctrepldst</c> as libxt_conntrack reads them
    /// (<see cref="XtablesAddress.TryParseHostMask"/>), kept in the form save prints: the address as given
    /// (not masked), then <c>/LEN</c> unless it is the whole address.
    /// </summary>
    public static Match? ConntrackAddress(OptionUse u)
    {
        var family = u.Context.Family;
        if (!XtablesAddress.TryParseHostMask(u.Arg.Text, family, out var address, out var mask))
            return u.Context.Bad<Match>(u.Arg, $"an {FamilyName(family)} address ADDR[/LEN or /MASK] (no host name)");
        var text = IpAddressValue.Format(address, family);
        var whole = new AddressMask(family, 0, mask);
        if (mask != family.AllOnes()) text += "/" + (whole.PrefixLength is { } length ? length.ToString(System.Globalization.CultureInfo.InvariantCulture) : IpAddressValue.Format(mask, family));
        return new ModuleOptionMatch(u.Module, u.Name, [text], u.Negated);
    }

    /// <summary>
    /// <c>--ctorigsrcport</c> and the other three as libxt_conntrack reads them: XTTYPE_PORTRC, one port or
    /// <c>P:Q</c> through getaddrinfo (<see cref="XtablesPorts.Style.GetPortByName"/>: decimal, <c>65536</c> is 0,
    /// <c>P:</c> and <c>:Q</c> open). A reversed range loads and matches nothing; it is kept as save prints it.
    /// </summary>
    public static Match? ConntrackPorts(OptionUse u)
    {
        if (!XtablesPorts.TryParseRange(u.Arg.Text, XtablesPorts.Style.GetPortByName, out var first, out var last))
            return u.Context.Bad<Match>(u.Arg, "a port or range (P, P:Q, P:, :Q; a service name or a decimal number)");
        return new ModuleOptionMatch(u.Module, u.Name, [first == last && !u.Arg.Text.Contains(':') ? $"{first}" : $"{first}:{last}"], u.Negated);
    }

    public static Match? Mark(OptionUse u) =>
        MarkMask.TryParse(u.Arg.Text, out var mark)
            ? new MarkMatch(mark!, u.Negated, Connection: u.Module == "connmark")
            : u.Context.Bad<Match>(u.Arg, "a mark VALUE[/MASK]");

    private static readonly ImmutableHashSet<string> AddressTypes =
    [
        "UNSPEC", "UNICAST", "LOCAL", "BROADCAST", "ANYCAST", "MULTICAST", "BLACKHOLE", "UNREACHABLE",
        "PROHIBIT", "THROW", "NAT", "XRESOLVE",
    ];

    public static MatchBinder AddrType(AddressField field) => u =>
    {
        var types = u.Arg.Text.Split(',').Select(t => t.ToUpperInvariant()).ToImmutableArray();
        return types.All(AddressTypes.Contains)
            ? new AddrTypeMatch(field, types, u.Negated)
            : u.Context.Bad<Match>(u.Arg, "address types (LOCAL, UNICAST, BROADCAST, MULTICAST, ...)");
    };

    public static Match? Set(OptionUse u)
    {
        if (!TryParseSetDirections(u.Args[1].Text, out var directions)) return u.Context.Bad<Match>(u.Args[1], "set directions (src, dst, src,dst, ...)");
        return directions.Length is > 0 and <= 6 && IsSetName(u.Args[0].Text)
            ? new SetMatch(u.Args[0].Text, directions, u.Negated)
            : u.Context.Bad<Match>(u.Args[0], "a set name and up to 6 directions");
    }

    /// <summary>An ipset name as libxt_set takes it: at most 31 bytes (IPSET_MAXNAMELEN); whether the set exists is the host's.</summary>
    public static bool IsSetName(string name) => name.Length > 0 && Utf8Escaped.ByteCount(name) < 32;

    /// <summary>
    /// libxt_set's parse_dirs: items split by ',' (strsep: an empty one is refused), each beginning with src or dst
    /// (strncmp over three characters, so <c>srcx</c> is src); more than six are refused by the caller.
    /// </summary>
    public static bool TryParseSetDirections(string text, out ImmutableArray<AddressField> directions)
    {
        var builder = ImmutableArray.CreateBuilder<AddressField>();
        directions = [];
        foreach (var part in text.Split(','))
        {
            if (part.StartsWith("src", StringComparison.Ordinal)) builder.Add(AddressField.Source);
            else if (part.StartsWith("dst", StringComparison.Ordinal)) builder.Add(AddressField.Destination);
            else return false;
        }

        directions = builder.ToImmutable();
        return true;
    }

    public static MatchBinder IpRange(AddressField field) => u =>
    {
        var text = u.Arg.Text;
        var dash = text.IndexOf('-');
        var family = u.Context.Family;
        var firstText = dash < 0 ? text : text[..dash];
        var lastText = dash < 0 ? firstText : text[(dash + 1)..];
        if (XtablesAddress.TryParseHost(firstText, family, out var first)
            && XtablesAddress.TryParseHost(lastText, family, out var last)
            && first <= last)
            return new IpRangeMatch(field, family, first, last, u.Negated);
        return u.Context.Bad<Match>(u.Arg, $"an {FamilyName(family)} range FROM-TO");
    };

    public static MatchBinder PhysdevInterface(Direction direction) => u =>
        CoreValues.Interface(u.Arg, u.Context) is { } name ? new PhysdevInterfaceMatch(direction, name, u.Negated) : null;

    public static MatchBinder PhysdevFlag(PhysdevFlag flag) => u => new PhysdevFlagMatch(flag, u.Negated);

    public static Match Comment(OptionUse u) => new CommentMatch(u.Arg.Text);

    /// <summary>
    /// <c>-m string --algo</c>: the kernel's text-search algorithms (lib/ts_*.c); any other name fails the
    /// rule's check on load ("line N failed"). fsm is taken though few kernels build it: a host that has it loads it.
    /// </summary>
    public static Match? StringAlgorithm(OptionUse u) =>
        u.Arg.Text is "bm" or "kmp" or "fsm" ? Keep(u) : u.Context.Bad<Match>(u.Arg, "a text-search algorithm (bm, kmp)");

    public static string FamilyName(IpFamily family) => family == IpFamily.V4 ? "IPv4" : "IPv6";
}
