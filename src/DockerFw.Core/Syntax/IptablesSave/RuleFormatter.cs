using System.Collections.Immutable;
using System.Text;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// Writes one rule in save's field order: <c>-A CHAIN</c>, the core options (<c>-s -d -i -o -p -f</c>),
/// each <c>-m MODULE</c> block, then <c>-j</c>/<c>-g</c> with the target's options.
/// </summary>
internal static class RuleFormatter
{
    private static readonly string[] CoreOrder = ["-s", "-d", "-i", "-o", "-p", "-f"];

    /// <summary>Option names whose values iptables-save prints with xtables_save_string.</summary>
    private static readonly HashSet<string> SaveStringOptions =
        ["--comment", "--log-prefix", "--nflog-prefix", "--helper", "--nfacct-name"];

    public static void Append(StringBuilder text, Rule rule, bool includeCounters)
    {
        if (includeCounters && rule.Counters is { } counters)
            text.Append('[').Append(counters.Packets).Append(':').Append(counters.Bytes).Append("] ");
        text.Append("-A ").AppendPlain(rule.Chain);
        if (CoreInSaveOrder(rule.Blocks) is { } core)
        {
            // What the reader builds: one core block, first, already in save's order.
            foreach (var match in core.Matches) AppendMatch(text, match, null);
        }
        else
        {
            // Core options in save's order wherever a model built by hand put them.
            foreach (var option in CoreOrder)
            {
                foreach (var block in rule.Blocks)
                {
                    if (!block.IsCore) continue;
                    foreach (var match in block.Matches)
                        if (match.Option == option) AppendMatch(text, match, null);
                }
            }
        }

        foreach (var block in rule.Blocks)
        {
            if (block.IsCore) continue;
            text.Append(" -m ").AppendPlain(block.Module!);
            foreach (var match in block.Matches) AppendMatch(text, match, block.Module);
        }

        if (rule.Target is { } target) AppendTarget(text, target);
    }

    /// <summary>The only core block when it comes first with its options in <see cref="CoreOrder"/>, each once; else null.</summary>
    internal static MatchBlock? CoreInSaveOrder(ImmutableArray<MatchBlock> blocks)
    {
        if (blocks.IsEmpty || !blocks[0].CoreInSaveOrder) return null;
        for (var i = 1; i < blocks.Length; i++)
            if (blocks[i].IsCore) return null;
        return blocks[0];
    }

    internal static void AppendMatch(StringBuilder text, Match match, string? module)
    {
        if (match.Negated) text.Append(" !");
        text.Append(' ').Append(match.Option);
        switch (match)
        {
            case CommentMatch c:
                text.Append(' ').AppendSaveString(c.Text);
                return;
            case ModuleOptionMatch m:
                Arguments(text, m.Module, m.Name, m.Arguments);
                return;
            case OpaqueMatch o:
                Arguments(text, o.Module, o.Name, o.Arguments);
                return;
            case InterfaceMatch i:
                text.Append(' ').AppendPlain(i.Value.Text);
                return;
            case PhysdevInterfaceMatch p:
                text.Append(' ').AppendPlain(p.Value.Text);
                return;
            case AddressSetMatch nftSet:
                // Only FormatRule gets here (evidence, traces): Write refuses the nft-only block first.
                text.Append(' ').Append(nftSet.FormatValue());
                return;
            case TupleSetMatch tupleSet:
                // As an AddressSetMatch: evidence and traces only.
                text.Append(' ').Append(tupleSet.FormatValue());
                return;
            case SetMatch set:
                text.Append(' ').AppendPlain(set.SetName).Append(' ').Append(set.FormatDirections());
                return;
            case AddressMatch a:
                a.Value.AppendTo(text.Append(' '));
                return;
            case PortMatch { Range: var range }:
                AppendRange(text.Append(' '), range);
                return;
            case MultiportMatch m:
                // Appended range by range: a joined string per rule was most of what the writer allocated on multiport rules.
                for (var i = 0; i < m.Ranges.Length; i++) AppendRange(i == 0 ? text.Append(' ') : text.Append(','), m.Ranges[i]);
                return;
            case ConntrackStateMatch c:
                text.Append(' ').Append(StatesText(c.States));
                return;
            case TcpFlagsMatch f:
                text.Append(' ').Append(TcpFlagsText.Format(f.Mask)).Append(' ').Append(TcpFlagsText.Format(f.Compare));
                return;
        }

        var value = match switch
        {
            ProtocolMatch p => p.Value.Name,
            FragmentMatch => null,
            IcmpTypeMatch i => i.FormatValue(),
            IcmpTypeSetMatch i => i.FormatValue(),
            InterfaceSetMatch i => i.FormatValue(),
            ProtocolSetMatch p => p.FormatValue(),
            MarkMatch m => m.Value.FormatMatch(),
            AddrTypeMatch a => string.Join(',', a.Types),
            IpRangeMatch r => r.FormatValue(),
            PhysdevFlagMatch => null,
            _ => throw new ArgumentOutOfRangeException(nameof(match), match, "a match type the writer does not know"),
        };
        if (!string.IsNullOrEmpty(value)) text.Append(' ').Append(value);
    }

    /// <summary><c>P</c> or <c>P:Q</c>, as <see cref="PortRange.Format"/> writes it, without a string of its own.</summary>
    private static void AppendRange(StringBuilder text, PortRange range)
    {
        text.Append(range.First);
        if (range.Last != range.First) text.Append(':').Append(range.Last);
    }

    // The conntrack states' text, one per combination (seven flags): formatted once, not per rule.
    private static readonly string?[] StateTexts = new string?[1 << 7];

    private static string StatesText(ConntrackStates states) =>
        (int)states is var index and >= 0 and < 1 << 7
            ? StateTexts[index] ??= ConntrackStatesText.Format(states)
            : ConntrackStatesText.Format(states);

    private static void Arguments(StringBuilder text, string? module, string option, IEnumerable<string> arguments)
    {
        foreach (var argument in arguments) Value(text.Append(' '), module, option, argument);
    }

    private static StringBuilder Value(StringBuilder text, string? module, string option, string value) =>
        module == "string" && option is "--string" or "--hex-string" ? text.AppendStringMatch(value)
        : SaveStringOptions.Contains(option) ? text.AppendSaveString(value)
        : text.AppendPlain(value);

    private static void AppendTarget(StringBuilder text, Target target)
    {
        if (target is JumpTarget { IsGoto: true } jump)
        {
            text.Append(" -g ").AppendPlain(jump.Chain);
            return;
        }

        // VerdictTarget.Name builds its text on every call; the writer's table does not.
        text.Append(" -j ").AppendPlain(target is VerdictTarget v ? IptablesSaveWriter.VerdictName(v.Verdict) : target.Name);
        switch (target)
        {
            case RejectTarget r:
                text.Append(" --reject-with ").Append(r.With);
                break;
            case DnatTarget d:
                Nat(text, "--to-destination", d.To, d.Flags);
                break;
            case SnatTarget s:
                Nat(text, "--to-source", s.To, s.Flags);
                break;
            case MasqueradeTarget m:
                Ports(text, m.ToPorts, m.Flags);
                break;
            case RedirectTarget r:
                Ports(text, r.ToPorts, r.Flags);
                break;
            case MarkTarget m:
                text.Append(" --set-xmark ").Append(new MarkMask(m.Value, m.Mask).FormatTarget());
                break;
            case LogTarget l:
                if (l.Prefix is { } prefix) text.Append(" --log-prefix ").AppendSaveString(prefix);
                if (l.Level is { } level and not 4) text.Append(" --log-level ").Append(level);
                foreach (var flag in l.Flags) text.Append(' ').Append(flag);
                break;
            case ExtensionTarget e:
                foreach (var option in e.Options)
                {
                    text.Append(' ').Append(option.Name);
                    Arguments(text, null, option.Name, option.Arguments);
                }

                break;
        }
    }

    private static void Nat(StringBuilder text, string option, NatRange? range, IEnumerable<string> flags)
    {
        if (range is not null) text.Append(' ').Append(option).Append(' ').Append(range.Format());
        foreach (var flag in flags) text.Append(' ').Append(flag);
    }

    private static void Ports(StringBuilder text, PortRange? ports, IEnumerable<string> flags)
    {
        if (ports is not null) text.Append(" --to-ports ").Append(ports.Format('-'));
        foreach (var flag in flags) text.Append(' ').Append(flag);
    }
}
