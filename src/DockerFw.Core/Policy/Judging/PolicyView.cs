using DockerFw.Core.Audit.Analysis;
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

    /// <summary>Whether conntrack has its own tracker for a protocol (<see cref="Audit.HostSettings.HasTracker"/>); null when not known.</summary>
    public Func<int, bool?> HasTracker { get; init; } = _ => null;

    /// <summary>
    /// The host's own IPv6 addresses on a bridge (<see cref="ContainerLinkLocal.HostOn"/>), which no
    /// container holds: the neighbour-discovery gates leave them out of the containers' link-local
    /// addresses, as the audit's do (oracle F36, F40). Without them a rule that tells them apart (a
    /// strict reverse-path check) leaves the gate undecided where the audit decides it.
    /// </summary>
    public Func<string, IntervalSet>? HostOn { get; init; }

    /// <summary>
    /// The plan's proof's view of a ruleset: the policy's bridges, and every address but its
    /// containers' taken for the host's (Docker's DNAT hook, addrtype LOCAL, never sees a container's).
    /// The host's routes, where they were read whole (<see cref="ResolvedPolicy.Routes"/>), as the audit
    /// asks them: the reverse-path check's way back, and the host's own addresses on each bridge, which
    /// the neighbour-discovery gates leave out of the containers' (oracle F40: without the routes a strict
    /// check left every IPv6 pair uncertain and refused the plan where the audit decides it).
    /// </summary>
    public static PolicyView Proving(Ruleset ruleset, ResolvedPolicy policy)
    {
        var family = ruleset.Family;
        var containers = policy.Members.Select(m => m.AddressOf(family)).OfType<UInt128>()
            .Aggregate(IntervalSet.Empty, (s, a) => s.Union(IntervalSet.Single(a)));
        var routes = policy.Routes is { Complete: true } read ? read : null;
        return new(SymbolicRuleset.Compile(ruleset, policy.Bridges.Select(b => new InterfacePattern(b.Bridge!)), containers.Complement(family.AllOnes()),
            routes: routes, ipSets: policy.IpSets))
        {
            HostOn = routes is null ? null : bridge => ContainerLinkLocal.HostOn(bridge, [], routes),
        };
    }
}
