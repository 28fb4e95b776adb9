using System.Globalization;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// An extension target dockerfw knows: its option table, how it becomes a model target, and where
/// the kernel takes it (the xt_target's <c>.table</c> and <c>.hooks</c>; null: anywhere).
/// </summary>
internal sealed record TargetSpec(OptionTable Options, TargetBuilder Build)
{
    /// <summary>The tables the kernel takes this target in; a rule elsewhere fails with EINVAL.</summary>
    public string[]? Tables { get; init; }

    /// <summary>
    /// The built-in chains from which a rule with this target may be reached; checked at COMMIT
    /// over the jumps, as the kernel checks it (a chain no hook reaches is not checked).
    /// </summary>
    public string[]? Hooks { get; init; }

    /// <summary>The builder keeps the options' values as given: they are read by their xtables type (<see cref="XtablesValues"/>).</summary>
    public bool ValuesKept { get; init; }
}

/// <summary>The targets dockerfw knows (formats.md §1.8); verdicts are not here, they take no options.</summary>
internal static class TargetCatalog
{
    private static OptionTable Table(string name, params (string Name, int Arity)[] options) =>
        new(name, options.Select(o => new OptionSpec(o.Name, o.Arity, Invertible: false)));

    private static TargetSpec Extension(string name, bool terminating, params (string Name, int Arity)[] options) =>
        Numbered(name, terminating, [], options);

    /// <summary>
    /// An extension target some of whose options take an unsigned number (the guided parser's
    /// XTTYPE_UINT8/16/32: <see cref="XtablesNumber"/>, at most the given value); out of range is refused, as restore refuses it.
    /// </summary>
    private static TargetSpec Numbered(string name, bool terminating, (string Option, ulong Max)[] numbers, params (string Name, int Arity)[] options) =>
        new(Table(name, options), u =>
        {
            var model = new List<TargetOption>(u.Options.Count);
            foreach (var o in u.Options)
            {
                var option = o.ToModel();
                foreach (var (numbered, max) in numbers)
                {
                    if (o.Name != numbered) continue;
                    if (!XtablesNumber.TryParse(o.Args[0].Text, max, out var value))
                        return Fail(u, o.Args[0], $"a number 0-{max} (as in C: 010 = 8, 0x10 = 16)");
                    // Kept as save prints it, in decimal.
                    option = option with { Arguments = [value.ToString(CultureInfo.InvariantCulture)] };
                }

                model.Add(option);
            }

            return new ExtensionTarget(name, [.. model], Known: true, terminating);
        }) { ValuesKept = true };

    // Where the kernel takes each target, as iptables-legacy-restore and iptables-nft-restore 1.8.9
    // loaded it into a namespace (docs/acceptance.md); a rule elsewhere fails with EINVAL.
    private static readonly string[] Nat = ["nat"], Raw = ["raw"], Mangle = ["mangle"], Filter = ["filter"];

    // Not frozen: the table is built at every start, and freezing it cost more than the lookups of `fmt` of a small dump
    // save (all the reader's frozen tables: 1.4 -> 0.7 M instructions of start; docs/performance.md, "Reader on every shape").
    private static readonly Dictionary<string, TargetSpec> Known = new(StringComparer.Ordinal)
    {
        ["REJECT"] = new(Table("REJECT", ("--reject-with", 1)), NatAndReject.Reject) { Tables = Filter },
        ["DNAT"] = new(Table("DNAT", ("--to-destination", 1), ("--random", 0), ("--persistent", 0), ("--random-fully", 0)), NatAndReject.Dnat) { Tables = Nat, Hooks = ["PREROUTING", "OUTPUT"] },
        ["SNAT"] = new(Table("SNAT", ("--to-source", 1), ("--random", 0), ("--random-fully", 0), ("--persistent", 0)), NatAndReject.Snat) { Tables = Nat, Hooks = ["POSTROUTING", "INPUT"] },
        ["MASQUERADE"] = new(Table("MASQUERADE", ("--to-ports", 1), ("--random", 0), ("--random-fully", 0)), NatAndReject.Masquerade) { Tables = Nat, Hooks = ["POSTROUTING"] },
        ["REDIRECT"] = new(Table("REDIRECT", ("--to-ports", 1), ("--random", 0)), NatAndReject.Redirect) { Tables = Nat, Hooks = ["PREROUTING", "OUTPUT"] },
        ["MARK"] = new(Table("MARK", ("--set-xmark", 1), ("--set-mark", 1), ("--and-mark", 1), ("--or-mark", 1), ("--xor-mark", 1)), Mark),
        ["LOG"] = new(Table("LOG", ("--log-level", 1), ("--log-prefix", 1), ("--log-tcp-sequence", 0), ("--log-tcp-options", 0),
            ("--log-ip-options", 0), ("--log-uid", 0), ("--log-macdecode", 0)), Log),
        ["CONNMARK"] = Extension("CONNMARK", false, ("--set-xmark", 1), ("--set-mark", 1), ("--save-mark", 0), ("--restore-mark", 0),
            ("--and-mark", 1), ("--or-mark", 1), ("--xor-mark", 1), ("--mask", 1), ("--nfmask", 1), ("--ctmask", 1)),
        ["CT"] = Extension("CT", false, ("--notrack", 0), ("--helper", 1), ("--ctevents", 1), ("--expevents", 1), ("--zone", 1),
            ("--zone-orig", 1), ("--zone-reply", 1), ("--timeout", 1)) with { Tables = Raw },
        ["NOTRACK"] = Extension("NOTRACK", false) with { Tables = Raw },
        ["TRACE"] = Extension("TRACE", false) with { Tables = Raw },
        ["TCPMSS"] = Extension("TCPMSS", false, ("--set-mss", 1), ("--clamp-mss-to-pmtu", 0)),
        ["CHECKSUM"] = Extension("CHECKSUM", false, ("--checksum-fill", 0)) with { Tables = Mangle },
        ["NFLOG"] = Numbered("NFLOG", false, [("--nflog-group", ushort.MaxValue), ("--nflog-range", uint.MaxValue), ("--nflog-size", uint.MaxValue),
            ("--nflog-threshold", ushort.MaxValue)], ("--nflog-group", 1), ("--nflog-prefix", 1), ("--nflog-range", 1),
            ("--nflog-size", 1), ("--nflog-threshold", 1)),
        ["ULOG"] = Extension("ULOG", false, ("--ulog-nlgroup", 1), ("--ulog-prefix", 1), ("--ulog-cprange", 1), ("--ulog-qthreshold", 1)),
        ["NFQUEUE"] = Numbered("NFQUEUE", true, [("--queue-num", ushort.MaxValue)], ("--queue-num", 1), ("--queue-balance", 1), ("--queue-bypass", 0),
            ("--fail-open", 0), ("--queue-cpu-fanout", 0)),
        ["CLASSIFY"] = Extension("CLASSIFY", false, ("--set-class", 1)) with { Hooks = ["FORWARD", "OUTPUT", "POSTROUTING"] },
        ["DSCP"] = Extension("DSCP", false, ("--set-dscp", 1), ("--set-dscp-class", 1)) with { Tables = Mangle },
        ["TOS"] = Extension("TOS", false, ("--set-tos", 1), ("--and-tos", 1), ("--or-tos", 1), ("--xor-tos", 1)) with { Tables = Mangle },
        ["TTL"] = Extension("TTL", false, ("--ttl-set", 1), ("--ttl-dec", 1), ("--ttl-inc", 1)) with { Tables = Mangle },
        ["HL"] = Extension("HL", false, ("--hl-set", 1), ("--hl-dec", 1), ("--hl-inc", 1)) with { Tables = Mangle },
        ["SET"] = Extension("SET", false, ("--add-set", 2), ("--del-set", 2), ("--map-set", 2), ("--timeout", 1), ("--exist", 0),
            ("--map-mark", 0), ("--map-prio", 0), ("--map-queue", 0)),
        ["AUDIT"] = Extension("AUDIT", false, ("--type", 1)),
        ["TEE"] = Extension("TEE", false, ("--gateway", 1), ("--oif", 1)),
        ["SECMARK"] = Extension("SECMARK", false, ("--selctx", 1)),
        ["CONNSECMARK"] = Extension("CONNSECMARK", false, ("--save", 0), ("--restore", 0)) with { Tables = ["mangle", "security"] },
        ["IDLETIMER"] = Extension("IDLETIMER", false, ("--timeout", 1), ("--label", 1), ("--alarm", 0)),
        ["TPROXY"] = Extension("TPROXY", true, ("--on-port", 1), ("--on-ip", 1), ("--tproxy-mark", 1)) with { Tables = Mangle, Hooks = ["PREROUTING"] },
        ["NETMAP"] = new(Table("NETMAP", ("--to", 1)), Netmap) { Tables = Nat },
        ["SYNPROXY"] = Extension("SYNPROXY", false, ("--mss", 1), ("--wscale", 1), ("--sack-perm", 0), ("--timestamp", 0), ("--ecn", 0))
            with { Hooks = ["INPUT", "FORWARD"] },
    };

    public static TargetSpec? Find(string name) => Known.GetValueOrDefault(name);

    public static bool IsKnown(string name) => Known.ContainsKey(name) || Verdicts.ContainsKey(name);

    public static readonly Dictionary<string, Verdict> Verdicts = new(StringComparer.Ordinal)
    {
        ["ACCEPT"] = Verdict.Accept, ["DROP"] = Verdict.Drop, ["RETURN"] = Verdict.Return, ["QUEUE"] = Verdict.Queue,
    };

    /// <summary>Every MARK form as the <c>--set-xmark V/M</c> it means (libxt_MARK.c mark_parse_v2).</summary>
    private static Target? Mark(TargetUse u)
    {
        if (u.Options.Count != 1)
            return Fail(u, u.Options.Count == 0 ? u.Name : u.Options[1].Option, "exactly one of --set-xmark, --set-mark, --and-mark, --or-mark, --xor-mark");
        var option = u.Options[0];
        var arg = option.Args[0];
        var withMask = option.Name is "--set-xmark" or "--set-mark";
        if (!MarkMask.TryParse(arg.Text, out var m) || (!withMask && arg.Text.Contains('/')))
            return Fail(u, arg, withMask ? "a mark VALUE[/MASK]" : "a mark VALUE");
        var (value, mask) = (m!.Value, m.Mask);
        return option.Name switch
        {
            "--set-xmark" => new MarkTarget(value, mask),
            "--set-mark" => new MarkTarget(value, value | mask),
            "--and-mark" => new MarkTarget(0, ~value),
            "--or-mark" => new MarkTarget(value, value),
            _ => new MarkTarget(value, 0),
        };
    }

    /// <summary>NETMAP's <c>--to</c> is mandatory and an address with its prefix, read as <c>-s</c> reads one (XTTYPE_HOSTMASK).</summary>
    private static Target? Netmap(TargetUse u)
    {
        if (u.Options.Count == 0) return Fail(u, u.Name, "--to ADDRESS[/MASK] after -j NETMAP");
        return CoreValues.Address(u.Options[0].Args[0], u.Context) is null
            ? null
            : new ExtensionTarget("NETMAP", [u.Options[0].ToModel()], Known: true, Terminating: true);
    }

    private static readonly Dictionary<string, int> LogLevels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["emerg"] = 0, ["alert"] = 1, ["crit"] = 2, ["error"] = 3, ["err"] = 3, ["warning"] = 4, ["warn"] = 4,
        ["notice"] = 5, ["info"] = 6, ["debug"] = 7, ["panic"] = 0,
    };

    private static Target? Log(TargetUse u)
    {
        int? level = null;
        if (u.Single("--log-level") is { } l)
        {
            var text = l.Args[0].Text;
            if (LogLevels.TryGetValue(text, out var named)) level = named;
            else if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= 7) level = n;
            else return Fail(u, l.Args[0], "a log level 0-7 or a name (emerg, alert, crit, error, warning, notice, info, debug)");
        }

        var prefix = u.Single("--log-prefix")?.Args[0].Text;
        return u.Context.Failed ? null : new LogTarget(prefix, level, u.Flags(LogFlagOrder));
    }

    public static readonly string[] LogFlagOrder =
        ["--log-tcp-sequence", "--log-tcp-options", "--log-ip-options", "--log-uid", "--log-macdecode"];

    public static Target? Fail(TargetUse u, Token at, string expected)
    {
        u.Context.Report(Messages.BadValue(u.Context.At(at), expected, at.Text));
        return null;
    }
}
