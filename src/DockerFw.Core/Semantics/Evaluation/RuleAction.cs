using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Evaluation;

/// <summary>What a compiled rule does when its conditions hold.</summary>
internal abstract record RuleAction;

/// <summary>No target, or a target that changes nothing the rules can see (LOG, NFLOG, TCPMSS...).</summary>
internal sealed record ContinueAction : RuleAction
{
    public static ContinueAction Instance { get; } = new();
}

internal sealed record VerdictAction(Verdict Verdict) : RuleAction;

internal sealed record RejectAction(string With) : RuleAction;

/// <summary>A jump or goto, resolved to the chain's index in its table; -1 when the chain does not exist.</summary>
internal sealed record JumpAction(string Chain, int Target, bool IsGoto) : RuleAction;

/// <summary>MARK: <c>mark = (mark &amp; ~mask) ^ value</c>.</summary>
internal sealed record MarkAction(uint Value, uint Mask) : RuleAction;

internal enum ConnmarkMode
{
    Set,
    Save,
    Restore,
}

/// <summary>CONNMARK, as xt_connmark's connmark_tg_shift without shifts.</summary>
internal sealed record ConnmarkAction(ConnmarkMode Mode, uint Value, uint CtMask, uint NfMask) : RuleAction;

/// <summary>CT --notrack / NOTRACK: the packet is UNTRACKED from here on.</summary>
internal sealed record NoTrackAction : RuleAction;

/// <summary>NFQUEUE / QUEUE: a user-space program decides.</summary>
internal sealed record QueueAction(string Name) : RuleAction;

internal sealed record NatAction(NatKind Kind, NatRange? To, PortRange? ToPorts, Model.Values.AddressMask? Netmap) : RuleAction;

/// <summary>A target whose effect the engine does not know; every continuation is possible.</summary>
internal sealed record UnknownAction(string Name, bool Terminating, PacketFields Clobbers) : RuleAction;
