using System.Collections.Frozen;
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
    /// <summary>The options of which a match's final check wants one; empty: any of its options.</summary>
    private static readonly FrozenDictionary<string, string[]> MatchNeedsOne = new Dictionary<string, string[]>
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
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The options of which a target's final check wants one (MARK's and CLASSIFY's are their builder's and table's).</summary>
    private static readonly FrozenDictionary<string, string[]> TargetNeedsOne = new Dictionary<string, string[]>
    {
        ["CONNMARK"] = ["--set-xmark", "--set-mark", "--and-mark", "--or-mark", "--xor-mark", "--save-mark", "--restore-mark"],
        ["CONNSECMARK"] = ["--save", "--restore"],
        ["DSCP"] = ["--set-dscp", "--set-dscp-class"],
        ["TCPMSS"] = ["--set-mss", "--clamp-mss-to-pmtu"],
        ["TOS"] = ["--set-tos", "--and-tos", "--or-tos", "--xor-tos"],
        ["TTL"] = ["--ttl-set", "--ttl-dec", "--ttl-inc"],
        ["HL"] = ["--hl-set", "--hl-dec", "--hl-inc"],
        ["SET"] = ["--add-set", "--del-set", "--map-set"],
    }.ToFrozenDictionary(StringComparer.Ordinal);

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
            case "recent" when Argument(block, "--name") is "":
                context.Report(Messages.BadValue(context.At(block.At), "a --name that is not empty (the kernel's check)", ""));
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
            if (Argument(block, option) is not { } text || !Model.Values.XtablesNumber.TryParsePrefix(text, out var first, out var used)) continue;
            var last = first;
            if (used < text.Length && text[used] is '-' or ':')
            {
                var rest = text[(used + 1)..];
                if (!Model.Values.XtablesNumber.TryParsePrefix(rest, out last, out var restUsed) || restUsed != rest.Length) continue;
            }
            else if (used != text.Length) continue;

            if (first <= last && last < uint.MaxValue) continue;
            context.Report(Messages.BadValue(context.At(block.At), $"{option} ID or FIRST-LAST with FIRST <= LAST <= 4294967294", text));
            return;
        }
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
    /// kernel's check (hashlimit_mt_check_common): an expiry or a garbage-collection interval of 0 fails with EINVAL.
    /// </summary>
    private void CheckHashlimit(Block block)
    {
        var rateText = Argument(block, "--hashlimit-upto") ?? Argument(block, "--hashlimit-above") ?? Argument(block, "--hashlimit");
        if (rateText is not null && HashlimitValues.Rate(rateText) is { } rate
            && Argument(block, "--hashlimit-burst") is { } burstText && HashlimitValues.Burst(burstText) is { } burst
            && !HashlimitValues.BurstFits(rate.Cost, rate.Bytes, burst))
        {
            var expected = rate.Bytes ? $"a burst of at least the bytes of one credit of {rateText}" : $"a burst of at most {HashlimitValues.BurstMax}";
            context.Report(Messages.BadValue(context.At(block.At), expected, burstText));
            return;
        }

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
        // The kernel's synproxy_tg4_check: the rule must match TCP, not negated.
        else if (name.Text == "SYNPROXY" && (context.Protocol?.Number != Model.Values.Protocol.Tcp || context.ProtocolNegated))
            context.Report(Messages.BadValue(context.At(name), "-p tcp before -j SYNPROXY (the kernel's check)", context.Protocol?.Name ?? "no -p"));
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
