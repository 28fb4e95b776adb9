using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Evaluation;

internal static class ActionCompiler
{
    // Targets that neither stop the packet nor change a field a rule can test.
    private static readonly HashSet<string> Harmless =
    [
        "LOG", "NFLOG", "ULOG", "TCPMSS", "CHECKSUM", "TRACE", "AUDIT", "CLASSIFY", "DSCP", "TOS", "TTL", "HL", "ECN",
        "SECMARK", "CONNSECMARK", "IDLETIMER", "LED", "RATEEST", "TEE", "SET", "TCPOPTSTRIP",
    ];

    public static RuleAction Compile(Target? target, Func<string, int> chainIndex) => target switch
    {
        null => ContinueAction.Instance,
        VerdictTarget { Verdict: Verdict.Queue } => new QueueAction("QUEUE"),
        VerdictTarget v => new VerdictAction(v.Verdict),
        RejectTarget r => new RejectAction(r.With),
        JumpTarget j => new JumpAction(j.Chain, chainIndex(j.Chain), j.IsGoto),
        MarkTarget m => new MarkAction(m.Value, m.Mask),
        LogTarget => ContinueAction.Instance,
        DnatTarget d => new NatAction(NatKind.Dnat, d.To, null, null),
        SnatTarget s => new NatAction(NatKind.Snat, s.To, null, null),
        MasqueradeTarget m => new NatAction(NatKind.Masquerade, null, m.ToPorts, null),
        RedirectTarget r => new NatAction(NatKind.Redirect, null, r.ToPorts, null),
        ExtensionTarget e => Extension(e),
        _ => new UnknownAction(target.Name, target.IsTerminating, PacketFields.None),
    };

    private static RuleAction Extension(ExtensionTarget target)
    {
        var options = target.Options.ToDictionary(o => o.Name.TrimStart('-'), o => o.Arguments, StringComparer.Ordinal);
        string? Arg(string name) => options.TryGetValue(name, out var a) && a.Length > 0 ? a[0] : null;
        switch (target.ExtensionName)
        {
            case var name when Harmless.Contains(name):
                return ContinueAction.Instance;
            case "NOTRACK":
                return new NoTrackAction();
            case "CT":
                return options.ContainsKey("notrack") ? new NoTrackAction() : ContinueAction.Instance;
            case "NFQUEUE":
                return new QueueAction("NFQUEUE");
            case "CONNMARK":
                return Connmark(target);
            case "NETMAP" when Arg("to") is { } to && AddressMask.TryParse(to, to.Contains(':') ? IpFamily.V6 : IpFamily.V4, out var prefix):
                return new NatAction(NatKind.Netmap, null, null, prefix);
            default:
                return new UnknownAction(target.ExtensionName, target.IsTerminating, PacketFields.Mark | PacketFields.ConnMark);
        }
    }

    /// <summary>
    /// CONNMARK as libxt_CONNMARK's parse fills xt_connmark_tginfo1 (iptables-save always writes
    /// <c>--set-xmark V/M</c> and both masks; the other forms are what a hand-written rule says): a shift
    /// is not modelled.
    /// </summary>
    internal static RuleAction Connmark(ExtensionTarget target)
    {
        var options = target.Options.ToDictionary(o => o.Name.TrimStart('-'), o => o.Arguments, StringComparer.Ordinal);
        string? arg(string name) => options.TryGetValue(name, out var a) && a.Length > 0 ? a[0] : null;
        if (options.Keys.Any(k => k.Contains("shift", StringComparison.Ordinal)))
            return new UnknownAction("CONNMARK", false, PacketFields.Mark | PacketFields.ConnMark);
        // --mask is both masks at once.
        var ctMask = Number(arg("ctmask")) ?? Number(arg("mask")) ?? uint.MaxValue;
        var nfMask = Number(arg("nfmask")) ?? Number(arg("mask")) ?? uint.MaxValue;
        if (options.ContainsKey("save-mark")) return new ConnmarkAction(ConnmarkMode.Save, 0, ctMask, nfMask);
        if (options.ContainsKey("restore-mark")) return new ConnmarkAction(ConnmarkMode.Restore, 0, ctMask, nfMask);
        if (arg("set-xmark") is { } xmark && MarkMask.TryParse(xmark, out var x))
            return new ConnmarkAction(ConnmarkMode.Set, x!.Value, x.Mask, nfMask);

        // libxt_CONNMARK: --set-mark V/M clears V|M before setting V.
        if (arg("set-mark") is { } setMark && MarkMask.TryParse(setMark, out var s))
            return new ConnmarkAction(ConnmarkMode.Set, s!.Value, s.Value | s.Mask, nfMask);
        // --and-mark B keeps B's bits (ctmask ~B, value 0), --or-mark B sets them, --xor-mark B flips them.
        if (Number(arg("and-mark")) is { } and) return new ConnmarkAction(ConnmarkMode.Set, 0, ~and, nfMask);
        if (Number(arg("or-mark")) is { } or) return new ConnmarkAction(ConnmarkMode.Set, or, or, nfMask);
        if (Number(arg("xor-mark")) is { } xor) return new ConnmarkAction(ConnmarkMode.Set, xor, 0, nfMask);
        return new UnknownAction("CONNMARK", false, PacketFields.ConnMark);
    }

    private static uint? Number(string? text) =>
        text is not null && MarkMask.TryParse(text, out var m) ? m!.Value : null;
}
