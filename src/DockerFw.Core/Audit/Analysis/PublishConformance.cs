using System.Collections.Immutable;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Policy.Judging;
using DockerFw.Core.Remediation;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// New connections to a published port whose fate differs from the policy's restriction: the host
/// addresses and sources they come to and from, whether they reach the container (null: the dump
/// cannot decide), whether the policy lets them, and the rules that decided.
/// </summary>
public sealed record PublishDifference(
    PublishPolicy Publish,
    ContainerOnNetwork Member,
    string Hosts,
    string Sources,
    bool? Reaches,
    bool Allowed,
    ImmutableArray<Evidence> Evidence)
{
    /// <summary>The way the connections take when it is not Docker's DNAT (docker-proxy's), for the message.</summary>
    public string? Through { get; init; }

    /// <summary>The interfaces the connections come in on, when not every one from outside (oracle F41: <c>eth0</c>); null: on every one.</summary>
    public string? Interfaces { get; init; }

    /// <summary>What to do instead of applying the policy again, when that cannot help.</summary>
    public string? Remedy { get; init; }
}

/// <summary>
/// <c>audit --policy</c>'s reading of the one publish judge (<see cref="PublishJudge"/>), which the
/// plan's proof reads too: the audited host's ruleset in its host model, where every address outside
/// the container subnets may be the host's. One fate by one rule is one difference: the engine cuts
/// sources at every subnet a rule names, and interfaces at every name a rule uses (<see cref="OutsideInterfaces"/>).
/// </summary>
public static class PublishConformance
{
    public static ImmutableArray<PublishDifference> Judge(AuditAnalysis analysis, ResolvedPolicy policy)
    {
        var inputs = analysis.Inputs;
        var family = inputs.Family;
        var rules = analysis.Passes.Rules;
        var local = PublishJudge.PossibleHosts(policy, family, inputs.HostModel.LocalAddresses);
        var outside = OutsideInterfaces.Of(rules.Space, inputs);
        return [.. PublishJudge.Judge(policy, family, local, _ => rules, _ => outside, inputs.HostModel.Routes, inputs.Host)
            .Select(v => (Verdict: v, Evidence: PolicyConformance.Evidence(inputs, v.Region, v.Result)))
            .GroupBy(d => (d.Verdict.Publish, d.Verdict.Member, d.Verdict.Reaches, d.Verdict.Allowed,
                Decided: string.Join(' ', d.Evidence.Select(e => $"{e.Table}/{e.Chain}#{e.Rule}"))))
            .Select(g => Difference(g.Key.Publish, g.Key.Member, g.Select(d => d.Verdict.Packets).Aggregate(PacketSet.Empty, (a, b) => a.Union(b)),
                g.Key.Reaches, g.Key.Allowed, g.First().Evidence, rules.Space, local, outside))];
    }

    private static PublishDifference Difference(PublishPolicy publish, ContainerOnNetwork member, PacketSet packets, bool? reaches,
        bool allowed, ImmutableArray<Evidence> evidence, PacketSpace space, IntervalSet local, IntervalSet outside)
    {
        var family = space.Family;
        var (hosts, sources, arrive) = packets.Boxes.Aggregate((IntervalSet.Empty, IntervalSet.Empty, IntervalSet.Empty),
            (a, b) => (a.Item1.Union(b[Dimension.Dst]), a.Item2.Union(b[Dimension.Src]), a.Item3.Union(b[Dimension.In])));
        return new(publish, member, HostAddressText.Of(hosts, local, family), PublishProof.Addresses(sources, family), reaches, allowed, evidence)
        {
            Interfaces = outside.IsSubsetOf(arrive) ? null : PortClientsOf.Interfaces(arrive.Intersect(outside), outside, space),
        };
    }
}
