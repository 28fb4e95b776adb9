using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Evaluation;

/// <summary>
/// Walks one packet through the hooks of its path and the tables of each hook in kernel order,
/// following every branch an undecidable rule opens, and collects the outcomes.
/// </summary>
internal sealed class TraceEngine(CompiledRuleset rules, EvaluationContext context, Packet original)
{
    /// <summary>Beyond this many undecidable forks the engine stops and says anything is possible.</summary>
    public const int MaxForks = 512;

    /// <summary>NF_IP_PRI_CONNTRACK: chains on PREROUTING and OUTPUT with a lower priority (raw) run before conntrack.</summary>
    private const int ConntrackPriority = -200;

    private readonly List<TraceOutcome> _outcomes = [];
    private int _forks;

    public EvaluationContext Context => context;

    public TraceResult Run(PacketPath path)
    {
        if (original.PhysIn is null)
        {
            RunPath(new Branch(original, bridgeInfo: false), path);
        }
        else if (context.BridgeNetfilter is { } on)
        {
            RunBridgeWorld(on, path, null);
        }
        else
        {
            const string reason = "the packet came through a bridge port and whether br_netfilter hands it to iptables (bridge-nf-call-iptables) is unknown";
            RunBridgeWorld(true, path, new Doubt(null, reason, true));
            RunBridgeWorld(false, path, new Doubt(null, reason, false));
        }

        return new TraceResult([.. _outcomes]);
    }

    private void RunBridgeWorld(bool on, PacketPath path, Doubt? doubt)
    {
        var branch = new Branch(original, bridgeInfo: on);
        if (doubt is not null) branch.AddDoubt(doubt);

        // Frames switched between two ports of one bridge reach iptables only through br_netfilter.
        if (!on && original.Bridged) Finish(branch, PacketVerdict.Accept, null, null, "", "");
        else RunPath(branch, path);
    }

    private void RunPath(Branch start, PacketPath path)
    {
        var live = new List<Branch> { start };
        foreach (var (hook, tables) in HookPlan.Of(path))
        {
            foreach (var b in live) b.EnterHook(hook);
            // A conntrack binding is applied once per hook, however many nat chains sit on it.
            var bindingApplied = false;
            foreach (var stage in rules.StagesOf(hook, tables, original.Family))
            {
                var next = new List<Branch>(live.Count);
                var beforeConntrack = hook is Hook.Prerouting or Hook.Output && stage.Priority < ConntrackPriority;
                if (beforeConntrack) foreach (var b in live) b.EnterBeforeConntrack();
                var applyBinding = stage.IsNat && !bindingApplied;
                bindingApplied |= stage.IsNat;
                foreach (var b in live)
                {
                    if (stage.IsNat && !IsFirstPacket(b))
                    {
                        if (applyBinding) NatEffects.ApplyConntrack(b, hook);
                        next.Add(b);
                    }
                    else if (stage.Table is null || stage.Chain is null || (stage.IsNat && b.NatBound)) next.Add(b);
                    else
                    {
                        // ip_output hands POSTROUTING the device a forwarded packet came in by; nft's
                        // iifname sees it (Docker 29 relies on it), iptables refuses -i there.
                        if (hook == Hook.Postrouting) b.InView = stage.Native ? b.InInterface ?? "" : "";
                        new ChainWalker(this, stage.Table, stage.Chain, next).Walk(b);
                    }
                }

                if (beforeConntrack) foreach (var b in next) b.LeaveBeforeConntrack();
                live = next;
            }
        }

        foreach (var b in live) Finish(b, PacketVerdict.Accept, null, b.AcceptedBy, "", "");
    }

    /// <summary>nat tables see only the packet that creates a connection (not RELATED, INVALID or UNTRACKED).</summary>
    private static bool IsFirstPacket(Branch b) => (b.State & ConntrackStates.New) != 0 && b.HasConntrack;

    public bool TryFork()
    {
        if (_forks >= MaxForks) return false;
        _forks++;
        return true;
    }

    public void Finish(Branch b, PacketVerdict verdict, string? rejectWith, RuleRef? decidedBy, string hook, string table) =>
        _outcomes.Add(new TraceOutcome(
            verdict,
            rejectWith,
            Trail<RuleRef>.ToArray(b.Matched),
            b.ToPacket(original),
            b.Unknown,
            Trail<NatRewrite>.ToArray(b.Nat),
            Trail<Doubt>.ToArray(b.Doubts))
        {
            MatchedOmitted = b.MatchedCount - Math.Min(b.MatchedCount, Branch.MaxMatched),
            DecidedBy = decidedBy,
            Hook = hook,
            Table = table,
        });

    /// <summary>The engine cannot follow this branch any further: every verdict is possible.</summary>
    public void GiveUp(Branch b, string reason, string hook, string table)
    {
        b.AddDoubt(new Doubt(b.Matched?.Value, reason, true));
        foreach (var verdict in Enum.GetValues<PacketVerdict>())
            Finish(b, verdict, verdict == PacketVerdict.Reject ? "unknown" : null, null, hook, table);
    }
}
