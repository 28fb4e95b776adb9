using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Policy.Judging;

/// <summary>
/// New connections from outside to a published port whose fate differs from the policy's
/// <c>publish ... from|on</c>: whether they reach the container (null: the dump cannot decide),
/// whether the policy lets them, and the engine's region that decided, in the ruleset judged.
/// </summary>
internal sealed record PublishVerdict(
    PublishPolicy Publish,
    ContainerOnNetwork Member,
    PacketSet Packets,
    bool? Reaches,
    bool Allowed,
    ReachRegion Region,
    ReachResult Result,
    SymbolicRuleset Rules);
