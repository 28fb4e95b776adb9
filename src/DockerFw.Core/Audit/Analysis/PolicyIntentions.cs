using System.Collections.Immutable;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// Sets apart the Docker-intent findings that are exactly what a policy asks for (<c>audit --policy</c>):
/// after <c>dockerfw apply</c> the host departs from Docker's declarations on purpose, and saying so as
/// a problem would hide the real ones. Each kind is decided from the finding's networks and containers
/// and the facts the audit computed for them, never from its message; whatever goes beyond the
/// statement (another network, more ports, replies that die) stays a real finding. Whether the host
/// does all the policy asks is the policy check's question (DFW901-903), not this one's.
/// </summary>
public static class PolicyIntentions
{
    public static (ImmutableArray<Finding> Real, ImmutableArray<Finding> Intended) Split(AuditContext context, ImmutableArray<Finding> findings)
    {
        if (context.Policy is not { } policy) return (findings, []);
        var analysis = context.Analysis();
        var real = ImmutableArray.CreateBuilder<Finding>();
        var intended = ImmutableArray.CreateBuilder<Finding>();
        foreach (var finding in findings)
        {
            if (IntentOf(finding, policy, analysis) is { } by) intended.Add(finding with { IntendedBy = by });
            else real.Add(finding);
        }

        return (real.ToImmutable(), intended.ToImmutable());
    }

    private static PolicyIntent? IntentOf(Finding finding, ResolvedPolicy policy, AuditAnalysis analysis)
    {
        var code = finding.Code;
        if (code == FindingCodes.IccBlocked) return Icc(finding, policy, on: false);
        if (code == FindingCodes.IccNotEnforced) return Icc(finding, policy, on: true) ?? IccExceptions(finding, policy, analysis);
        if (code == FindingCodes.NetworksNotIsolated || code == FindingCodes.NetworksPartlyOpen) return Exception(finding, policy, analysis);
        if (code == FindingCodes.PublishedPortBlocked) return Restriction(finding, policy, analysis);
        return null;
    }

    /// <summary>
    /// icc that differs from the network's declaration the way the policy's <c>icc</c> sets it; with
    /// <c>docker-user default drop</c>, the policy drops what it does not allow, icc included.
    /// </summary>
    private static PolicyIntent? Icc(Finding finding, ResolvedPolicy policy, bool on)
    {
        if (finding.Networks is not [var name]) return null;
        var network = policy.Networks.FirstOrDefault(n => n.Network.Name == name);
        if (network?.Icc == on) return Intent(policy, network.IccAt, $"network {name} {{ icc {(on ? "on" : "off")} }}");
        return !on && network?.Icc is null ? DefaultDrop(policy) : null;
    }

    /// <summary>
    /// icc partly on where the policy's <c>icc off</c> block allows pairs of its containers: in every
    /// family, every new connection the rules let between the network's containers is from an
    /// <c>allow</c>'s client to its server within its ports, and completes.
    /// </summary>
    private static PolicyIntent? IccExceptions(Finding finding, ResolvedPolicy policy, AuditAnalysis analysis)
    {
        if (finding.Networks is not [var name]) return null;
        var network = policy.Networks.FirstOrDefault(n => n.Network.Name == name);
        if (network is not { Icc: false, Exceptions.IsEmpty: false }) return null;
        foreach (var (family, _) in analysis.Families)
        {
            if (family.Networks.FirstOrDefault(f => f.Network.Name == name) is not { } facts || !facts.Icc.Partial) continue;
            if (facts.Icc.Flows.Any(f => f.Kind != "connection")) return null;
            var n = facts.Network;
            var passes = family.Passes;
            if (!passes.From(n).TryGetValue(n.Bridge, out var walked)) continue;
            var allowed = network.Exceptions.Select(e => Between(passes, e, n.Family)).OfType<Box>().ToList();
            var open = IccFacts.Pieces(n, walked, IccFacts.Containers(n, family.Inputs, passes))
                .Where(p => p.Verdict is ReachVerdict.Accept or ReachVerdict.Maybe);
            if (open.Any(p => !allowed.Aggregate(PacketSet.Of(p.Box), (rest, box) => rest.Subtract(box)).IsEmpty)) return null;
        }

        return Intent(policy, network.IccAt, $"network {name} {{ icc off; allow ... }}");
    }

    private static Box? Between(SymbolicPasses passes, ContainerException allow, IpFamily family) =>
        allow.From.AddressOf(family) is { } from && allow.To.AddressOf(family) is { } to
            ? Allowed(passes, allow.Port).With(Dimension.Src, IntervalSet.Single(from)).With(Dimension.Dst, IntervalSet.Single(to))
            : null;

    /// <summary>
    /// A pair of networks open where the policy allows it: in every family, every new connection the
    /// rules let from one network's containers to the other's is within the ports of the policy's
    /// <c>allow</c>s for that pair, and completes (its replies come back).
    /// </summary>
    private static PolicyIntent? Exception(Finding finding, ResolvedPolicy policy, AuditAnalysis analysis)
    {
        if (finding.Networks is not [var from, var to]) return null;
        var allows = policy.Exceptions.Where(e => e.From.Name == from && e.To.Name == to).ToList();
        if (allows.Count == 0) return null;
        foreach (var (family, _) in analysis.Families)
        {
            var pair = family.Pairs.FirstOrDefault(p => p.From.Name == from && p.To.Name == to);
            if (pair is null || pair.Verdict == ReachabilityVerdict.Denied) continue;
            if (pair.Flows.Any(f => f.Kind != "connection")) return null;
            var passes = family.Passes;
            if (!passes.From(pair.From).TryGetValue(pair.To.Bridge, out var pieces)) continue;
            var allowed = allows.Select(a => Allowed(passes, a.Port)).ToList();
            var open = passes.ToContainersOf(pieces, pair.To).Where(p => p.Verdict is ReachVerdict.Accept or ReachVerdict.Maybe);
            if (open.Any(p => !allowed.Aggregate(PacketSet.Of(p.Box), (rest, box) => rest.Subtract(box)).IsEmpty)) return null;
        }

        var first = allows[0];
        return Intent(policy, first.At, $"allow {from} -> {to}{(first.Port is null ? "" : " " + first.Port)}");
    }

    private static Box Allowed(SymbolicPasses passes, PortSpec? port) => port is null
        ? passes.Whole()
        : passes.Whole().With(Dimension.Proto, IntervalSet.Single((UInt128)port.Protocol.Number))
            .With(Dimension.Dport, IntervalSet.Range((UInt128)port.Ports.First, (UInt128)port.Ports.Last));

    /// <summary>
    /// A published port the filter keeps out of the container, wholly or for some clients, exactly as the
    /// policy does: of the new connections Docker's DNAT sends to the container, the filter passes those
    /// from (<c>publish ... from</c>) or to (<c>publish ... on</c>) the policy's addresses and no other
    /// (<see cref="PortReach"/>); or <c>docker-user default drop</c> keeps out a port no <c>publish</c>
    /// names. Every port the finding may stand for (same container, same deciding rules) must be so.
    /// </summary>
    private static PolicyIntent? Restriction(Finding finding, ResolvedPolicy policy, AuditAnalysis analysis)
    {
        if (finding.Containers is not [var container]) return null;
        var ports = analysis.Families.SelectMany(f => f.Analysis.Ports).Where(p => p.Container.Name == container
            && (p.Report.FilterAccepts == false || p.Report.Partial is not null) && p.FilterEvidence.SequenceEqual(finding.Evidence)).ToList();
        if (ports.Count == 0) return null;
        var intents = ports.Select(p => Restriction(p, policy)).ToList();
        return intents.All(i => i is not null) ? intents[0] : null;
    }

    private static PolicyIntent? Restriction(PortFacts port, ResolvedPolicy policy)
    {
        var r = port.Report;
        // A publish restricts the host port, on whichever address Docker binds it.
        var publish = policy.Publishes.FirstOrDefault(p => p.Container.Name == port.Container.Name
            && p.Binding.Protocol == r.Protocol && p.Binding.HostPort == r.HostPort);
        if (publish is null) return r.FilterAccepts == false ? DefaultDrop(policy) : null;
        if (port.Reach is not { } reach || !reach.PassedMaybe.IsEmpty) return null;
        var listed = publish.Addresses.Where(a => a.Family == port.Family)
            .Aggregate(IntervalSet.Empty, (s, a) => s.Union(RuleCompiler.Intervals(a) ?? IntervalSet.Empty));
        var side = publish.Restriction == PublishRestriction.FromSources ? Dimension.Src : Dimension.Dst;
        var allowed = new PacketSet([.. reach.Judged.Boxes.Select(b => b.With(side, b[side].Intersect(listed))).Where(b => !b.IsEmpty)]);
        if (!reach.Passed.SameAs(allowed)) return null;
        var restriction = publish.Restriction == PublishRestriction.FromSources ? "from" : "on";
        return Intent(policy, publish.At, $"publish {publish.Container.Name} {r.Protocol}/{r.HostPort} {restriction} {string.Join(", ", publish.Addresses)}");
    }

    private static PolicyIntent? DefaultDrop(ResolvedPolicy policy) =>
        policy.DockerUserDefault == DockerUserDefault.Drop ? Intent(policy, policy.DockerUserAt, "docker-user default drop") : null;

    private static PolicyIntent Intent(ResolvedPolicy policy, Text.SourceSpan at, string statement) => new(policy.File, at.Line, statement);
}
