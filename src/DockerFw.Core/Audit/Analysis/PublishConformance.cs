using System.Collections.Immutable;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
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

    /// <summary>What to do instead of applying the policy again, when that cannot help.</summary>
    public string? Remedy { get; init; }
}

/// <summary>
/// Judges a host's published ports against the policy's <c>publish ... on|from</c> restrictions the
/// way the plan proves them (<see cref="PublishProof"/>): every new connection from outside to the
/// host port, from any source and to the policy's host addresses plus one it does not list (or the
/// bound address), followed by the symbolic engine through Docker's DNAT. From an allowed source (on
/// an allowed address) it must reach the container; from any other it must not.
/// </summary>
public static class PublishConformance
{
    public static ImmutableArray<PublishDifference> Judge(AuditAnalysis analysis, ResolvedPolicy policy)
    {
        var inputs = analysis.Inputs;
        var rules = analysis.Passes.Rules;
        var family = inputs.Family;
        var differences = ImmutableArray.CreateBuilder<PublishDifference>();
        foreach (var publish in policy.Publishes)
        {
            var listed = publish.Addresses.Where(a => a.Family == family)
                .Aggregate(IntervalSet.Empty, (s, a) => s.Union(RuleCompiler.Intervals(a) ?? IntervalSet.Empty));
            // The host model's uplink address stands for a host address the policy does not list; every
            // address outside the container subnets is the host's in the audit's model.
            var uplink = family == IpFamily.V4 ? HostModel.UplinkAddress : HostModel.UplinkAddressV6;
            var hosts = publish.Restriction == PublishRestriction.OnHostAddresses
                ? listed.Union(IntervalSet.Single(uplink))
                : IntervalSet.Single(PublishProof.Bound(publish, family) ?? uplink);
            foreach (var member in policy.Members.Where(m => m.Container.Id == publish.Container.Id && m.AddressOf(family) is not null))
                differences.AddRange(Member(inputs, rules, publish, member, hosts, listed));
        }

        return differences.ToImmutable();
    }

    private static IEnumerable<PublishDifference> Member(
        AuditInputs inputs, SymbolicRuleset rules, PublishPolicy publish, ContainerOnNetwork member, IntervalSet hosts, IntervalSet listed)
    {
        var space = rules.Space;
        var binding = publish.Binding;
        var query = new ReachQuery(PacketPath.Forward)
        {
            In = new InterfacePattern(HostModel.Uplink),
            Out = new InterfacePattern(member.Network.Bridge!),
            Protocol = Protocol.TryParse(binding.Protocol, out var p) ? p! : new Protocol(Protocol.Tcp, "tcp"),
            State = ConntrackStates.New,
        };
        var whole = new Box([.. Dimensions.All.Select(space.Full)], BitCubeSet.All);
        var packets = query.ToPacketSet(space).Intersect(whole
            .With(Dimension.Dst, hosts)
            .With(Dimension.Dport, IntervalSet.Single((UInt128)binding.HostPort!.Value)));
        var allowed = PacketSet.Of(whole.With(publish.Restriction == PublishRestriction.FromSources ? Dimension.Src : Dimension.Dst, listed));
        var container = member.AddressOf(space.Family)!.Value;

        var result = SymbolicEngine.Reach(rules, query.Path, packets);
        var pieces = new List<(PacketSet Packets, bool? Reaches, bool Allowed, ImmutableArray<Evidence> Evidence)>();
        foreach (var region in result.Regions)
        {
            var reaches = region.Verdict == ReachVerdict.Accept && PublishProof.DnatsTo(region, inputs.Ruleset, container);
            var should = region.Packets.Intersect(allowed);
            var shouldNot = region.Packets.Subtract(allowed);
            var evidence = PolicyConformance.Evidence(inputs, region, result);
            if (!should.IsEmpty && !reaches) pieces.Add((should, region.Verdict == ReachVerdict.Maybe ? null : false, true, evidence));
            if (!shouldNot.IsEmpty && (reaches || region.Verdict == ReachVerdict.Maybe)) pieces.Add((shouldNot, reaches ? true : null, false, evidence));
        }

        // The engine cuts sources at every subnet a rule names; one fate by one rule is one difference.
        return pieces
            .GroupBy(d => (d.Reaches, d.Allowed, Decided: string.Join(' ', d.Evidence.Select(e => $"{e.Table}/{e.Chain}#{e.Rule}"))))
            .Select(g => Difference(publish, member, g.Select(d => d.Packets).Aggregate(PacketSet.Empty, (a, b) => a.Union(b)),
                g.Key.Reaches, g.Key.Allowed, g.First().Evidence, space.Family));
    }

    private static PublishDifference Difference(PublishPolicy publish, ContainerOnNetwork member, PacketSet packets, bool? reaches,
        bool allowed, ImmutableArray<Evidence> evidence, IpFamily family)
    {
        var (hosts, sources) = packets.Boxes.Aggregate((IntervalSet.Empty, IntervalSet.Empty), (a, b) => (a.Item1.Union(b[Dimension.Dst]), a.Item2.Union(b[Dimension.Src])));
        return new(publish, member, PublishProof.Addresses(hosts, family), PublishProof.Addresses(sources, family), reaches, allowed, evidence);
    }
}
