using System.Collections.Immutable;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Remediation;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Connections;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// One claim of a policy (this container may or may not open connections to that one on this port)
/// and what the host's rules make of it, with whether the first packet passed dockerfw's jump.
/// </summary>
public sealed record PolicyClaim(
    ContainerOnNetwork From,
    ContainerOnNetwork To,
    PortSpec Port,
    Reachability Expected,
    ConnectionResult Result,
    bool PassesPolicyJump)
{
    public bool Holds => Result.Reachability == Expected;
}

/// <summary>
/// Judges a host against a policy with the claims a plan is proved by (<see cref="PlanProof"/>):
/// each ordered pair of containers on bridge networks, on each port the policy names for it and on
/// one it does not, and on the ports it names for other pairs; each asked of the engine as a
/// connection (first packet and replies).
/// </summary>
public static class PolicyConformance
{
    public static ImmutableArray<PolicyClaim> Judge(AuditInputs inputs, ResolvedPolicy policy)
    {
        var jump = JumpToPolicy(inputs.Ruleset);
        // Unknown bridge-nf-call-iptables is judged as elsewhere in the audit: as if iptables sees bridged traffic.
        var context = inputs.HostModel.Context(inputs.Host.BridgeNfCallIptables ?? true);
        var named = NamedPorts(policy);
        var claims = ImmutableArray.CreateBuilder<PolicyClaim>();
        foreach (var from in policy.Members)
        {
            foreach (var to in policy.Members.Where(m => m != from))
            {
                foreach (var (port, expected) in Claims(policy, from, to, named))
                {
                    var packet = new Packet(IpFamily.V4, from.Address, to.Address, port.Protocol.Number,
                        SourcePort: 40000, DestinationPort: port.Ports.First,
                        InInterface: from.Network.Bridge, OutInterface: to.Network.Bridge);
                    var result = ConnectionEvaluator.Evaluate(inputs.Ruleset, packet, PacketPath.Forward, context);
                    var passes = jump is not null && result.Request.Outcomes.Any(o => o.Matched.Any(r =>
                        r is { Table: "filter", Chain: PolicyPlanner.DockerUser } && r.Number == jump.Number));
                    claims.Add(new PolicyClaim(from, to, port, expected, result, passes));
                }
            }
        }

        return claims.ToImmutable();
    }

    /// <summary>
    /// The plan's claims for a pair, plus the ports other pairs are allowed, which the pair gets only
    /// as "every other port": rules keyed to stale addresses (two containers that traded addresses
    /// in a restart) open exactly those ports to the wrong pair.
    /// </summary>
    private static IEnumerable<(PortSpec Port, Reachability Expected)> Claims(
        ResolvedPolicy policy, ContainerOnNetwork from, ContainerOnNetwork to, IReadOnlyList<PortSpec> named)
    {
        var own = PlanProof.Expectations(policy, from, to).ToList();
        var others = own.Where(c => !named.Contains(c.Port)).Select(c => c.Expected).Distinct().ToList();
        var extra = others.Count != 1 ? [] : named
            .Where(p => !own.Any(c => c.Port.Protocol.Number == p.Protocol.Number && c.Port.Ports.Contains(p.Ports.First)))
            .Select(p => (p, others[0]));
        return own.Concat(extra);
    }

    private static List<PortSpec> NamedPorts(ResolvedPolicy policy) =>
        [.. policy.Exceptions.Select(e => e.Port).Concat(policy.Networks.SelectMany(n => n.Exceptions).Select(e => e.Port)).OfType<PortSpec>().Distinct()];

    /// <summary>The rule of DOCKER-USER that hands traffic to dockerfw's chain, if there is one.</summary>
    public static Rule? JumpToPolicy(Ruleset ruleset) =>
        ruleset["filter"]?[PolicyPlanner.DockerUser]?.Rules.FirstOrDefault(r => r.Target is JumpTarget { Chain: PolicyPlanner.Chain });
}
