using System.Collections.Immutable;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>The binders that turn module options into typed conditions.</summary>
internal static class MatchBinders
{
    /// <summary>An option dockerfw knows by name and arity but does not interpret.</summary>
    public static Match Keep(OptionUse u) => new ModuleOptionMatch(u.Module, u.Name, u.ArgTexts, u.Negated);

    public static MatchBinder Port(AddressField field) => u =>
    {
        if (ValueGrammar.CachedColonPortRange.TryParse(u.Arg.Text, out var range)) return new PortMatch(field, range, u.Negated);
        if (!ValueGrammar.ReversedColonRange.TryParse(u.Arg.Text, out _)) return u.Context.Bad<Match>(u.Arg, "a port or range (P, P:Q, P:, :Q)");
        u.Context.Report(Messages.ReversedPortRange(u.Context.At(u.Arg), u.Arg.Text));
        return Keep(u);
    };

    public static Match? TcpFlags(OptionUse u)
    {
        if (!TcpFlagsText.TryParse(u.Args[0].Text, out var mask)) return u.Context.Bad<Match>(u.Args[0], TcpFlagsExpected);
        if (!TcpFlagsText.TryParse(u.Args[1].Text, out var compare)) return u.Context.Bad<Match>(u.Args[1], TcpFlagsExpected);
        return new TcpFlagsMatch(mask, compare, u.Negated);
    }

    private const string TcpFlagsExpected = "TCP flags (FIN,SYN,RST,PSH,ACK,URG, ALL or NONE)";

    /// <summary><c>--syn</c> is saved as the flags test it stands for.</summary>
    public static Match Syn(OptionUse u) =>
        new TcpFlagsMatch(Model.Values.TcpFlags.Fin | Model.Values.TcpFlags.Syn | Model.Values.TcpFlags.Rst | Model.Values.TcpFlags.Ack,
            Model.Values.TcpFlags.Syn, u.Negated);

    public static MatchBinder Multiport(MultiportField field) => u =>
        ValueGrammar.CachedPortList.TryParse(u.Arg.Text, out var ranges) && ranges.Length <= 15
            ? new MultiportMatch(field, ranges, u.Negated)
            : u.Context.Bad<Match>(u.Arg, "a list of up to 15 ports or ranges (80,443,8000:8080)");

    public static Match? Icmp(OptionUse u) =>
        IcmpTypes.TryParse(u.Arg.Text, u.Context.Family, out var type, out var code)
            ? new IcmpTypeMatch(u.Context.Family, type, code, u.Negated)
            : u.Context.Bad<Match>(u.Arg, "an ICMP type (a name, any, T or T/C)");

    public static Match? States(OptionUse u)
    {
        var states = ConntrackStates.None;
        foreach (var part in u.Arg.Text.Split(','))
        {
            if (!ConntrackStatesText.TryParseOne(part, out var s))
                return u.Context.Bad<Match>(u.Arg, $"conntrack states ({string.Join(",", ConntrackStatesText.Names)})");
            states |= s;
        }

        return new ConntrackStateMatch(states, u.Negated, StateModule: u.Module == "state");
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
        var directions = ImmutableArray.CreateBuilder<AddressField>();
        foreach (var part in u.Args[1].Text.Split(','))
        {
            if (part == "src") directions.Add(AddressField.Source);
            else if (part == "dst") directions.Add(AddressField.Destination);
            else return u.Context.Bad<Match>(u.Args[1], "set directions (src, dst, src,dst, ...)");
        }

        return directions.Count is > 0 and <= 6 && u.Args[0].Text.Length is > 0 and < 32
            ? new SetMatch(u.Args[0].Text, directions.ToImmutable(), u.Negated)
            : u.Context.Bad<Match>(u.Args[0], "a set name and up to 6 directions");
    }

    public static MatchBinder IpRange(AddressField field) => u =>
    {
        var text = u.Arg.Text;
        var dash = text.IndexOf('-');
        var family = u.Context.Family;
        var firstText = dash < 0 ? text : text[..dash];
        var lastText = dash < 0 ? firstText : text[(dash + 1)..];
        if (IpAddressValue.TryParse(firstText, family, out var first)
            && IpAddressValue.TryParse(lastText, family, out var last)
            && first <= last)
            return new IpRangeMatch(field, family, first, last, u.Negated);
        return u.Context.Bad<Match>(u.Arg, $"an {FamilyName(family)} range FROM-TO");
    };

    public static MatchBinder PhysdevInterface(Direction direction) => u =>
        CoreValues.Interface(u.Arg, u.Context) is { } name ? new PhysdevInterfaceMatch(direction, name, u.Negated) : null;

    public static MatchBinder PhysdevFlag(PhysdevFlag flag) => u => new PhysdevFlagMatch(flag, u.Negated);

    public static Match Comment(OptionUse u) => new CommentMatch(u.Arg.Text);

    public static string FamilyName(IpFamily family) => family == IpFamily.V4 ? "IPv4" : "IPv6";
}
