using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Policy.Judging;

/// <summary>
/// What a policy is judged in: a ruleset compiled for symbolic questions, and what the host does
/// outside the rules. <c>audit --policy</c> passes the audited host's (its host model: addresses,
/// ip_forward, bridge-nf-call-iptables); the plan's proof passes its after-state alone, since it proves
/// the rules it writes, whatever the host's settings (the audit reports those: DFW6xx).
/// </summary>
internal sealed record PolicyView(SymbolicRuleset Rules)
{
    /// <summary>Whether frames switched inside a bridge skip iptables (bridge-nf-call-iptables 0): then no rule decides them.</summary>
    public Func<string, bool> SwitchesUnfiltered { get; init; } = _ => false;

    /// <summary>
    /// The plan's proof's view of a ruleset: the policy's bridges, and every address but its
    /// containers' taken for the host's (Docker's DNAT hook, addrtype LOCAL, never sees a container's).
    /// </summary>
    public static PolicyView Proving(Ruleset ruleset, ResolvedPolicy policy)
    {
        var family = ruleset.Family;
        var containers = policy.Members.Select(m => m.AddressOf(family)).OfType<UInt128>()
            .Aggregate(IntervalSet.Empty, (s, a) => s.Union(IntervalSet.Single(a)));
        return new(SymbolicRuleset.Compile(ruleset, policy.Bridges.Select(b => new InterfacePattern(b.Bridge!)), containers.Complement(family.AllOnes()),
            ipSets: policy.IpSets));
    }
}
