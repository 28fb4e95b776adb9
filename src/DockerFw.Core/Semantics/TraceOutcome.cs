using System.Collections.Immutable;

namespace DockerFw.Core.Semantics;

/// <summary>
/// One way the packet's journey can end: the verdict (with the ICMP/TCP answer of a REJECT), the
/// rules the kernel counts on the way, the packet as it left or died, the translations it went
/// through, and the assumptions this outcome rests on (empty when certain).
/// </summary>
public sealed record TraceOutcome(
    PacketVerdict Verdict,
    string? RejectWith,
    ImmutableArray<RuleRef> Matched,
    Packet Packet,
    PacketFields UnknownFields,
    ImmutableArray<NatRewrite> Nat,
    ImmutableArray<Doubt> Doubts)
{
    /// <summary>The rule that decided the verdict, or null when a chain policy did.</summary>
    public RuleRef? DecidedBy { get; init; }

    /// <summary>The hook and table where the verdict fell, e.g. <c>FORWARD</c> / <c>filter</c>.</summary>
    public string Hook { get; init; } = "";

    public string Table { get; init; } = "";

    /// <summary>
    /// Rules counted on the way but left out of <see cref="Matched"/>, which lists the first
    /// <see cref="Evaluation.Branch.MaxMatched"/>: chains reached by many ways (two jumps to the next,
    /// 40 levels deep) count 2^40 rules. 0 when the list is whole.
    /// </summary>
    public long MatchedOmitted { get; init; }

    public bool Masqueraded => Nat.Any(n => n.Kind == NatKind.Masquerade);
}
