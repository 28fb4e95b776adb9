using DockerFw.Core.Model.Matches;
using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// The final checks of the extensions' own (x6_fcheck, final_check), which restore runs once a match's or the
/// target's options are all read: most want one of their options at least ("multiport expection an option",
/// "TOS: An action is required"), a few compare two values (time's <c>--contiguous</c>, hashlimit's burst and rate),
/// and the non-guided tcp, set and SET check their combinations in their own code. The checks the kernel makes of the
/// values afterwards (hashlimit's expiry) are here too: restore fails on them in the same way.
/// </summary>
internal sealed partial class RuleBinder
{
    // Not frozen: the table is built at every start, and freezing it cost more than the lookups of `fmt` of a small dump
    // save (all the reader's frozen tables: 1.4 -> 0.7 M instructions of start; docs/performance.md, "Reader on every shape").
    /// <summary>The options of which a match's final check wants one; empty: any of its options.</summary>
    private static readonly Dictionary<string, string[]> MatchNeedsOne = new(StringComparer.Ordinal)
    {
        ["multiport"] = ["--sports", "--dports", "--ports"],
        ["addrtype"] = ["--src-type", "--dst-type"],
        ["bpf"] = ["--bytecode", "--object-pinned"],
        ["connlimit"] = ["--connlimit-upto", "--connlimit-above"],
        ["conntrack"] = [],
        ["devgroup"] = ["--src-group", "--dst-group"],
        ["dscp"] = ["--dscp", "--dscp-class"],
        ["ecn"] = [],
        ["hashlimit"] = ["--hashlimit-upto", "--hashlimit-above", "--hashlimit"],
        ["iprange"] = ["--src-range", "--dst-range"],
        ["owner"] = ["--uid-owner", "--gid-owner", "--socket-exists"],
        ["physdev"] = [],
        ["recent"] = ["--set", "--rcheck", "--update", "--remove"],
        ["string"] = ["--string", "--hex-string"],
        ["ttl"] = [],
        ["hl"] = [],
        ["set"] = ["--match-set"],
    };

    /// <summary>The options of which a target's final check wants one (MARK's and CLASSIFY's are their builder's and table's).</summary>
    private static readonly Dictionary<string, string[]> TargetNeedsOne = new(StringComparer.Ordinal)
    {
        ["CONNMARK"] = ["--set-xmark", "--set-mark", "--and-mark", "--or-mark", "--xor-mark", "--save-mark", "--restore-mark"],
        ["CONNSECMARK"] = ["--save", "--restore"],
        ["DSCP"] = ["--set-dscp", "--set-dscp-class"],
        ["TCPMSS"] = ["--set-mss", "--clamp-mss-to-pmtu"],
        ["TOS"] = ["--set-tos", "--and-tos", "--or-tos", "--xor-tos"],
        ["TTL"] = ["--ttl-set", "--ttl-dec", "--ttl-inc"],
        ["HL"] = ["--hl-set", "--hl-dec", "--hl-inc"],
        ["SET"] = ["--add-set", "--del-set", "--map-set"],
    };

    private void MatchFinalCheck(Block block)
    {
        if (MatchNeedsOne.TryGetValue(block.Module, out var wanted) && !block.Given.Exists(g => wanted.Length == 0 || wanted.Contains(g)))
        {
            var what = wanted.Length == 0 ? "an option" : $"one of {string.Join(", ", wanted)}";
            context.Report(Messages.BadValue(context.At(block.At), $"{what} after -m {block.Module} (its final check)", block.Module));
            return;
        }

        switch (block.Module)
        {
            case "statistic":
                CheckStatistic(block);
                break;
            case "policy" when !block.Given.Contains("--dir"):
                context.Report(Messages.BadValue(context.At(block.At), "--dir in or --dir out after -m policy (mandatory)", block.Module));
                break;
            case "time":
                CheckTime(block);
                break;
            case "hashlimit":
                CheckHashlimit(block);
                break;
            case "tcp" when block.Given.Contains("--syn") && block.Given.Contains("--tcp-flags"):
                context.Report(Messages.BadValue(context.At(block.At), "--syn or --tcp-flags in one -m tcp, not both", "tcp"));
                break;
            case "owner":
                CheckOwner(block);
                break;
            case "string" when XtablesNumber(Argument(block, "--from")) is { } from && XtablesNumber(Argument(block, "--to")) is { } to && from > to:
                context.Report(Messages.BadValue(context.At(block.At), "--from at most --to (the kernel's check)", $"--from {from} --to {to}"));
                break;
            case "recent":
                CheckRecent(block);
                break;
            // libxt_bpf's bpf_fcheck_v1: one of the two, not both.
            case "bpf" when block.Given.Contains("--bytecode") && block.Given.Contains("--object-pinned"):
                context.Report(Messages.BadValue(context.At(block.At), "--bytecode or --object-pinned in one -m bpf, not both", "bpf"));
                break;
            case "set":
                OneOf(block, "--packets-eq", "--packets-lt", "--packets-gt");
                if (!context.Failed) OneOf(block, "--bytes-eq", "--bytes-lt", "--bytes-gt");
                break;
        }
    }

    /// <summary>
    /// libxt_owner: <c>--suppl-groups</c> only after <c>--gid-owner</c> ("you need to use --gid-owner first"); a numeric
    /// uid or gid range <c>A-B</c> or <c>A:B</c> of at most 4294967294 whose first is not above its last (the kernel's
    /// check). A name is the loading host's (deliberate, docs/acceptance.md) and read as it is.
    /// </summary>
    private void CheckOwner(Block block)
    {
        var suppl = block.Given.IndexOf("--suppl-groups");
        if (suppl >= 0 && block.Given.IndexOf("--gid-owner") is var gid && (gid < 0 || gid > suppl))
        {
            context.Report(Messages.BadValue(context.At(block.At), "--gid-owner before --suppl-groups", "--suppl-groups"));
            return;
        }

        foreach (var option in (string[])["--uid-owner", "--gid-owner"])
        {
            if (Argument(block, option) is not { } text) continue;
            if (IdRange(text) is not var (first, last))
            {
                // A name: the loading host's, but no passwd or group line holds an empty one, a line feed or a ':'.
                if (text.Length > 0 && text.AsSpan().IndexOfAny('\n', ':') < 0) continue;
                context.Report(Messages.BadValue(context.At(block.At), $"{option} NAME (a user or group name: not empty, no line feed or ':') or ID[-ID]", text));
                return;
            }

            if (first <= last && last < uint.MaxValue) continue;
            context.Report(Messages.BadValue(context.At(block.At), $"{option} ID or FIRST-LAST with FIRST <= LAST <= 4294967294", text));
            return;
        }
    }

    /// <summary>A numeric uid or gid, or a range <c>A-B</c> or <c>A:B</c>, as libxt_owner reads it; null for anything else (a name).</summary>
    private static (ulong First, ulong Last)? IdRange(string text)
    {
        if (!Model.Values.XtablesNumber.TryParsePrefix(text, out var first, out var used)) return null;
        if (used == text.Length) return (first, first);
        if (text[used] is not ('-' or ':')) return null;
        var rest = text[(used + 1)..];
        return Model.Values.XtablesNumber.TryParsePrefix(rest, out var last, out var restUsed) && restUsed == rest.Length ? (first, last) : null;
    }

    /// <summary>
    /// recent_mt_check: <c>--set</c> and <c>--remove</c> take no <c>--seconds</c>, <c>--hitcount</c> or <c>--reap</c>; a
    /// hitcount of at most 65535 (XT_RECENT_MAX_NSTAMPS of this kernel; older ones take 255, and before that at most the
    /// module's ip_pkt_list_tot, 20 by default: deliberate, docs/acceptance.md); a name the kernel can make a /proc file of.
    /// </summary>
    private void CheckRecent(Block block)
    {
        if ((block.Given.Contains("--set") || block.Given.Contains("--remove"))
            && block.Given.Find(g => g is "--seconds" or "--hitcount" or "--reap") is { } modifier)
        {
            var command = block.Given.Contains("--set") ? "--set" : "--remove";
            context.Report(Messages.BadValue(context.At(block.At), $"no {modifier} with {command} (the kernel's check)", modifier));
            return;
        }

        if (XtablesNumber(Argument(block, "--hitcount")) is > RecentMaxHitcount and var hitcount)
        {
            context.Report(Messages.BadValue(context.At(block.At), $"a --hitcount of at most {RecentMaxHitcount} (the kernel's check)", $"{hitcount}"));
            return;
        }

        ProcNameReads(block, "--name");
    }

    /// <summary>XT_RECENT_MAX_NSTAMPS - 1 of the newest kernels (65536 since the stamps' index is 16 bits).</summary>
    private const ulong RecentMaxHitcount = 65_535;

    /// <summary>
    /// xt_check_proc_name: the table's name becomes a file in /proc/net (xt_recent, ipt_hashlimit), so it may not be
    /// empty, <c>.</c> or <c>..</c>, nor hold a '/'; false after reporting one.
    /// </summary>
    private bool ProcNameReads(Block block, string option)
    {
        if (Argument(block, option) is not { } name || (name.Length > 0 && name is not ("." or "..") && !name.Contains('/'))) return true;
        context.Report(Messages.BadValue(context.At(block.At), $"a {option} that is a file name (not empty, '.', '..', no '/': the kernel's check)", name));
        return false;
    }

    /// <summary>libxt_set: "only one of the --packets-[eq|lt|gt] is allowed" (and of the --bytes-* alike).</summary>
    private void OneOf(Block block, params string[] options)
    {
        var given = options.Where(block.Given.Contains).ToList();
        if (given.Count > 1)
            context.Report(Messages.BadValue(context.At(block.At), $"one of {string.Join(", ", options)} in one -m set", string.Join(" ", given)));
    }

    /// <summary>time_check: <c>--contiguous</c> only when the stop time is before the start time (00:00:00 and 23:59:59 when not given).</summary>
    private void CheckTime(Block block)
    {
        if (!block.Given.Contains("--contiguous")) return;
        var start = Argument(block, "--timestart") is { } a ? XtablesTime.Daytime(a) ?? 0 : 0;
        var stop = Argument(block, "--timestop") is { } b ? XtablesTime.Daytime(b) ?? XtablesTime.LastSecond : XtablesTime.LastSecond;
        if (start < stop)
            context.Report(Messages.BadValue(context.At(block.At), "--contiguous only with a --timestop before --timestart", $"{start / 3600:00}:{start / 60 % 60:00} to {stop / 3600:00}:{stop / 60 % 60:00}"));
    }

    /// <summary>
    /// hashlimit_mt_check: a packet burst of at most 1,000,000, a byte burst of at least one credit of the rate; then the
    /// kernel's checks (hashlimit_mt_check_common): a table name the kernel can make a /proc file of, an expiry or a
    /// garbage-collection interval of 0 (EINVAL), a packet rate whose burst overflows its credits, a byte rate too fast to
    /// cost a credit (outside <c>--hashlimit-rate-match</c>, which the kernel checks otherwise).
    /// </summary>
    private void CheckHashlimit(Block block)
    {
        var rateText = Argument(block, "--hashlimit-upto") ?? Argument(block, "--hashlimit-above") ?? Argument(block, "--hashlimit");
        var burstText = Argument(block, "--hashlimit-burst");
        var burst = burstText is null ? HashlimitValues.DefaultBurst : HashlimitValues.Burst(burstText);
        if (rateText is not null && HashlimitValues.Rate(rateText) is { } rate && burst is { } given)
        {
            var rateMatch = block.Given.Contains("--hashlimit-rate-match");
            var burstValue = burstText ?? $"{given} (the default)";
            (string Expected, string Value)? problem =
                burstText is not null && !HashlimitValues.BurstFits(rate.Cost, rate.Bytes, given)
                    ? (rate.Bytes ? $"a burst of at least the bytes of one credit of {rateText}" : $"a burst of at most {HashlimitValues.BurstMax}", burstText)
                : !rateMatch && !rate.Bytes && HashlimitValues.CreditsOverflow(rate.Cost, given)
                    ? ($"a smaller burst for {rateText} (the kernel's credits overflow: \"try lower\")", burstValue)
                : !rateMatch && rate.Bytes && HashlimitValues.ByteCostTooSmall(rate.Cost)
                    ? ("a byte rate below 32768mb/s (the kernel's check: \"rate too high\")", rateText)
                : null;
            if (problem is { } p)
            {
                context.Report(Messages.BadValue(context.At(block.At), p.Expected, p.Value));
                return;
            }
        }

        if (!ProcNameReads(block, "--hashlimit-name")) return;

        foreach (var option in (string[])["--hashlimit-htable-expire", "--hashlimit-htable-gcinterval"])
        {
            if (XtablesNumber(Argument(block, option)) is not 0) continue;
            context.Report(Messages.BadValue(context.At(block.At), $"{option} above 0 (the kernel refuses 0)", "0"));
            return;
        }
    }

    /// <summary>A target's final check, after its option table's: one of its options at least, then SET's combinations.</summary>
    private void TargetFinalCheck(Token name)
    {
        if (TargetNeedsOne.TryGetValue(name.Text, out var wanted) && !targetArgs.Exists(a => wanted.Contains(a.Name)))
        {
            context.Report(Messages.BadValue(context.At(name), $"one of {string.Join(", ", wanted)} after -j {name.Text} (its final check)", name.Text));
            return;
        }

        if (name.Text == "SET") SetTargetCheck.Check(name, targetArgs, context);
        else if (name.Text == "TCPMSS") CheckTcpmss(name);
        // The kernel's synproxy_tg4_check: the rule must match TCP, not negated.
        else if (name.Text == "SYNPROXY" && (context.Protocol?.Number != Model.Values.Protocol.Tcp || context.ProtocolNegated))
            context.Report(Messages.BadValue(context.At(name), "-p tcp before -j SYNPROXY (the kernel's check)", context.Protocol?.Name ?? "no -p"));
    }

    /// <summary>
    /// tcpmss_tg4_check and tcpmss_tg6_check: the target's <c>.proto</c> is TCP, and the rule must hold a tcp match whose
    /// compared flags include SYN, not negated ("Only works on TCP SYN packets": <c>--syn</c>, <c>--tcp-flags SYN,RST SYN</c>);
    /// <c>--clamp-mss-to-pmtu</c> only from FORWARD, OUTPUT and POSTROUTING, checked at COMMIT.
    /// </summary>
    private void CheckTcpmss(Token name)
    {
        if (context.Protocol?.Number != Model.Values.Protocol.Tcp || context.ProtocolNegated)
        {
            context.Report(Messages.BadValue(context.At(name), "-p tcp before -j TCPMSS (the kernel's check)", context.Protocol?.Name ?? "no -p"));
            return;
        }

        if (!HasSynMatch())
        {
            context.Report(Messages.BadValue(context.At(name), "a tcp match of SYN packets (--syn or --tcp-flags MASK SYN) before -j TCPMSS (the kernel's check)", "TCPMSS"));
            return;
        }

        if (targetArgs.Exists(a => a.Name == "--clamp-mss-to-pmtu")) targetHooks = ClampHooks;
    }

    private static readonly string[] ClampHooks = ["FORWARD", "OUTPUT", "POSTROUTING"];

    private bool HasSynMatch()
    {
        foreach (var block in blocks)
        {
            if (block.Module != "tcp") continue;
            foreach (var match in block.Matches)
                if (match is TcpFlagsMatch { Negated: false } flags && (flags.Compare & Model.Values.TcpFlags.Syn) != 0) return true;
        }

        return false;
    }

    /// <summary>libxt_statistic's final check: random needs --probability, nth --every, and --packet below --every.</summary>
    private void CheckStatistic(Block block)
    {
        var mode = Argument(block, "--mode");
        var required = mode == "random" ? "--probability" : "--every";
        if (!block.Given.Contains(required))
        {
            context.Report(Messages.BadValue(context.At(block.At), $"{required} with --mode {mode} in one -m statistic", "statistic"));
            return;
        }

        if (mode == "nth" && XtablesNumber(Argument(block, "--every")) is { } every && XtablesNumber(Argument(block, "--packet")) is { } packet && packet > every - 1)
            context.Report(Messages.BadValue(context.At(block.At), "--packet P with 0 <= P <= N-1 for --every N", $"--packet {packet}"));
    }

    private static string? Argument(Block block, string option)
    {
        foreach (var match in block.Matches)
            if (match is ModuleOptionMatch kept && kept.Name == option && kept.Arguments.Length == 1) return kept.Arguments[0];
        return null;
    }

    private static ulong? XtablesNumber(string? text) =>
        text is not null && Model.Values.XtablesNumber.TryParse(text, uint.MaxValue, out var value) ? value : null;
}
