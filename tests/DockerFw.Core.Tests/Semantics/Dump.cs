using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Match = DockerFw.Core.Model.Matches.Match;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Tests.Semantics;

/// <summary>
/// Reads the iptables-save subset the semantics tests use, so their fixtures are dump text.
/// Stands in until IptablesSaveReader lands; it checks nothing a real reader must.
/// </summary>
internal static partial class Dump
{
    public static Ruleset Read(string text, IpFamily family = IpFamily.V4)
    {
        var tables = new List<Table>();
        string? table = null;
        var chains = new List<(string Name, Verdict? Policy, List<Rule> Rules)>();
        var lineNo = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (line.StartsWith('*')) (table, chains) = (line[1..], []);
            else if (line == "COMMIT")
            {
                tables.Add(new Table(table!, [.. chains.Select(c => new Chain(c.Name, c.Policy, Counters.Zero, [.. c.Rules], SourceSpan.None))], SourceSpan.None));
            }
            else if (line.StartsWith(':'))
            {
                var parts = line[1..].Split(' ');
                chains.Add((parts[0], parts[1] == "-" ? null : Enum.Parse<Verdict>(parts[1], true), []));
            }
            else
            {
                var tokens = Tokens(line);
                var chain = chains.First(c => c.Name == tokens[1]);
                chain.Rules.Add(ParseRule(tokens, chain.Rules.Count + 1, new SourceSpan("test", lineNo, 1), family) with { SourceText = line });
            }
        }

        return new Ruleset(family, [.. tables]);
    }

    private static List<string> Tokens(string line) =>
        TokenPattern().Matches(line).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Value).ToList();

    [GeneratedRegex("\"([^\"]*)\"|\\S+")]
    private static partial Regex TokenPattern();

    private static Rule ParseRule(List<string> t, int number, SourceSpan span, IpFamily family)
    {
        var blocks = new List<MatchBlock>();
        var core = new List<Match>();
        var current = core;
        string? module = null;
        Target? target = null;
        var negate = false;
        for (var i = 2; i < t.Count; i++)
        {
            var option = t[i];
            string Next() => t[++i];
            switch (option)
            {
                case "!": negate = true; continue;
                case "-s" or "-d":
                    core.Add(new AddressMatch(option == "-s" ? AddressField.Source : AddressField.Destination, Address(Next(), family), negate));
                    break;
                case "-i" or "-o":
                    core.Add(new InterfaceMatch(option == "-i" ? Direction.In : Direction.Out, new InterfacePattern(Next()), negate));
                    break;
                case "-p":
                    Protocol.TryParse(Next(), out var protocol);
                    core.Add(new ProtocolMatch(protocol!, negate));
                    break;
                case "-f": core.Add(new FragmentMatch(negate)); break;
                case "-m":
                    if (module is not null) blocks.Add(new MatchBlock(module, [.. current]));
                    (module, current) = (Next(), []);
                    break;
                case "-j" or "-g":
                    target = ParseTarget(Next(), option == "-g", t, ref i, family);
                    break;
                default:
                    current.Add(ParseMatch(module!, option, Next, negate, family));
                    break;
            }

            negate = false;
        }

        if (module is not null) blocks.Add(new MatchBlock(module, [.. current]));
        return new Rule(t[1], number, span, null, [new MatchBlock(null, [.. core]), .. blocks], target);
    }

    private static AddressMask Address(string text, IpFamily family) =>
        AddressMask.TryParse(text, family, out var a) ? a! : throw new FormatException(text);

    private static Match ParseMatch(string module, string option, Func<string> next, bool negate, IpFamily family) => (module, option) switch
    {
        ("tcp" or "udp", "--dport" or "--sport") => new PortMatch(option == "--sport" ? AddressField.Source : AddressField.Destination, Ports(next()), negate),
        ("tcp", "--tcp-flags") => new TcpFlagsMatch(Flags(next()), Flags(next()), negate),
        ("multiport", _) => new MultiportMatch(option switch { "--sports" => MultiportField.Source, "--dports" => MultiportField.Destination, _ => MultiportField.Either },
            [.. next().Split(',').Select(Ports)], negate),
        ("icmp", "--icmp-type") => Icmp(next(), negate),
        ("conntrack", "--ctstate") or ("state", "--state") => new ConntrackStateMatch(States(next()), negate, module == "state"),
        ("mark" or "connmark", "--mark") => new MarkMatch(MarkMask.TryParse(next(), out var m) ? m! : throw new FormatException(), negate, module == "connmark"),
        ("addrtype", "--src-type" or "--dst-type") => new AddrTypeMatch(option == "--src-type" ? AddressField.Source : AddressField.Destination, [.. next().Split(',')], negate),
        ("set", "--match-set") => new SetMatch(next(), [.. next().Split(',').Select(d => d == "src" ? AddressField.Source : AddressField.Destination)], negate),
        ("iprange", _) => Range(option, next(), negate, family),
        ("physdev", "--physdev-in" or "--physdev-out") => new PhysdevInterfaceMatch(option == "--physdev-in" ? Direction.In : Direction.Out, new InterfacePattern(next()), negate),
        ("physdev", _) => new PhysdevFlagMatch(option switch { "--physdev-is-in" => PhysdevFlag.IsIn, "--physdev-is-out" => PhysdevFlag.IsOut, _ => PhysdevFlag.IsBridged }, negate),
        ("comment", _) => new CommentMatch(next()),
        ("recent", "--set" or "--rcheck" or "--update" or "--remove" or "--rsource") => new ModuleOptionMatch(module, option, [], negate),
        ("opaque", _) => new OpaqueMatch(module, option, [next()], negate),
        _ => new ModuleOptionMatch(module, option, [next()], negate),
    };

    private static IpRangeMatch Range(string option, string text, bool negate, IpFamily family)
    {
        var parts = text.Split('-');
        return new IpRangeMatch(option == "--src-range" ? AddressField.Source : AddressField.Destination, family,
            IpAddressValue.Parse(parts[0], family), IpAddressValue.Parse(parts[1], family), negate);
    }

    private static IcmpTypeMatch Icmp(string text, bool negate)
    {
        if (text == "any") return new IcmpTypeMatch(IpFamily.V4, null, null, negate);
        var parts = text.Split('/');
        return new IcmpTypeMatch(IpFamily.V4, int.Parse(parts[0]), parts.Length > 1 ? int.Parse(parts[1]) : null, negate);
    }

    private static PortRange Ports(string text)
    {
        var parts = text.Split(':', '-');
        return new PortRange(int.Parse(parts[0]), int.Parse(parts[^1]));
    }

    private static TcpFlags Flags(string text) => TcpFlagsText.TryParse(text, out var f) ? f : throw new FormatException(text);

    private static ConntrackStates States(string text) =>
        text.Split(',').Aggregate(ConntrackStates.None, (all, s) => ConntrackStatesText.TryParseOne(s, out var one) ? all | one : throw new FormatException(s));

    private static Target ParseTarget(string name, bool isGoto, List<string> t, ref int i, IpFamily family)
    {
        var options = new List<(string, string?)>();
        while (i + 1 < t.Count && t[i + 1].StartsWith("--"))
        {
            var option = t[++i];
            var arg = i + 1 < t.Count && !t[i + 1].StartsWith("--") ? t[++i] : null;
            options.Add((option, arg));
        }

        string? Get(string o) => options.FirstOrDefault(x => x.Item1 == o).Item2;
        return name switch
        {
            "ACCEPT" or "DROP" or "RETURN" or "QUEUE" => new VerdictTarget(Enum.Parse<Verdict>(name, true)),
            "REJECT" => new RejectTarget(Get("--reject-with") ?? "icmp-port-unreachable"),
            "DNAT" => new DnatTarget(Nat(Get("--to-destination")!, family), []),
            "SNAT" => new SnatTarget(Nat(Get("--to-source")!, family), []),
            "MASQUERADE" => new MasqueradeTarget(Get("--to-ports") is { } p ? Ports(p) : null, []),
            "REDIRECT" => new RedirectTarget(Get("--to-ports") is { } p ? Ports(p) : null, []),
            "MARK" => Mark(Get("--set-xmark")!),
            "LOG" => new LogTarget(Get("--log-prefix"), null, []),
            "CONNMARK" or "CT" or "NOTRACK" or "NFQUEUE" or "TCPMSS" or "NETMAP" or "SECRET" =>
                new ExtensionTarget(name, [.. options.Select(o => new TargetOption(o.Item1, o.Item2 is null ? [] : [o.Item2]))], name != "SECRET"),
            _ => new JumpTarget(name, isGoto),
        };
    }

    private static MarkTarget Mark(string text)
    {
        MarkMask.TryParse(text, out var m);
        return new MarkTarget(m!.Value, m.Mask);
    }

    private static NatRange Nat(string text, IpFamily family)
    {
        var colon = text.LastIndexOf(':');
        var address = colon < 0 ? text : text[..colon];
        var ports = colon < 0 ? null : Ports(text[(colon + 1)..]);
        if (address.Length == 0) return new NatRange(family, null, null, ports);
        var range = address.Split('-');
        return new NatRange(family, IpAddressValue.Parse(range[0], family), IpAddressValue.Parse(range[^1], family), ports);
    }
}
