using System.Collections.Immutable;
using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Remediation;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Policy.Judging;

/// <summary>
/// The one judge of a policy's <c>publish ... on|from</c> restrictions, for <c>audit --policy</c>
/// and the plan's proof alike: every new connection from outside to the host port, from any source,
/// followed by the symbolic engine through Docker's DNAT, in on every interface from outside (every one
/// that is no Docker bridge and not loopback: <see cref="OutsideInterfaces"/>, oracle F41; a rule naming
/// the host's uplink, as Docker's <c>DOCKER-USER</c> recipe does, is judged, and a verdict's packets say
/// which interfaces differ). From an allowed source (on an allowed host
/// address) it must reach the container; from any other it must not. The host addresses are the
/// port's bound address, else every address the host may have (a dump does not say which are the
/// host's: all but the containers'), not one standing for the rest, which a rule naming another
/// host address would have split. With the host's routes and <c>rp_filter</c> known, the clients a
/// reverse-path filter surely drops on an interface (<see cref="ReversePathFilter"/>) never arrive there:
/// they are nobody the policy's rule is about on that interface, in the audit and the proof alike.
/// Every differing region is kept, in the walk's order: the audit reports them all, the proof
/// refuses with each member's first. docker-proxy's ways are <see cref="ProxyConformance"/>'s.
/// </summary>
internal static class PublishJudge
{
    /// <param name="possibleHosts">Every address the host may have (<see cref="PossibleHosts"/>, or the audit's host model's).</param>
    /// <param name="rulesFor">The ruleset to judge in, given the host addresses the judge asks about (the plan's proof makes them local).</param>
    /// <param name="outside">The interfaces a packet from outside may arrive on, in a ruleset's space (<see cref="Outside"/>, or the audit's <see cref="OutsideInterfaces"/>).</param>
    /// <param name="routes">The host's routes, when read whole: with <paramref name="settings"/>' rp_filter, who arrives where.</param>
    public static ImmutableArray<PublishVerdict> Judge(ResolvedPolicy policy, IpFamily family, IntervalSet possibleHosts, Func<IntervalSet, SymbolicRuleset> rulesFor,
        Func<PacketSpace, IntervalSet> outside, Semantics.Routing.RoutingTable? routes, Audit.HostSettings settings)
    {
        var verdicts = ImmutableArray.CreateBuilder<PublishVerdict>();
        foreach (var publish in policy.Publishes)
        {
            var listed = Listed(publish, family);
            // An `on` restriction lists host addresses (the rest are judged too); a `from` one lists sources.
            var hosts = publish.Restriction == PublishRestriction.OnHostAddresses ? possibleHosts.Union(listed)
                : PublishProof.Bound(publish, family) is { } bound ? IntervalSet.Single(bound)
                : possibleHosts;
            var members = policy.Members.Where(m => m.Container.Id == publish.Container.Id && m.AddressOf(family) is not null).ToList();
            if (members.Count == 0) continue;
            var rules = rulesFor(hosts);
            var inOn = outside(rules.Space);
            var refused = ReversePathFilter.Refused(rules.Space, inOn, routes, settings);
            var walks = members.Select(m => Walk(rules, publish, m, hosts, inOn, refused)).ToList();
            verdicts.AddRange(Differences(walks, publish, listed, rules.Space));
        }

        return verdicts.ToImmutable();
    }

    /// <summary>The policy's addresses of a restriction in one family.</summary>
    public static IntervalSet Listed(PublishPolicy publish, IpFamily family) => publish.Addresses.Where(a => a.Family == family)
        .Aggregate(IntervalSet.Empty, (s, a) => s.Union(RuleCompiler.Intervals(a) ?? IntervalSet.Empty));

    /// <summary>
    /// Every address the host may have: the audit's host model's (<paramref name="model"/>), else all
    /// but the policy's networks' container subnets (a gateway is the host's own address on its
    /// bridge); never a container's address, which a network whose subnet is unknown would leave in.
    /// </summary>
    public static IntervalSet PossibleHosts(ResolvedPolicy policy, IpFamily family, IntervalSet? model = null)
    {
        var possible = model ?? HostModel.MayBeLocal(policy.Bridges.SelectMany(b => b.SubnetsOf(family)).Select(s => (s.Network, s.Gateway)), family);
        return possible.Subtract(IntervalSet.FromValues(policy.Members.Select(m => m.AddressOf(family)).OfType<UInt128>()));
    }

    /// <summary>
    /// The interfaces a packet from outside may arrive on where no audit's inputs are at hand (the plan's
    /// proof): <see cref="OutsideInterfaces"/> over the policy's bridges, which are every bridge network
    /// of Docker's view, as the audit takes them.
    /// </summary>
    public static IntervalSet Outside(PacketSpace space, ResolvedPolicy policy) =>
        OutsideInterfaces.Of(space, policy.Bridges.Select(b => b.Bridge).OfType<string>());

    /// <summary>One endpoint's walk: new connections to the host port leaving by its bridge, and those that reach its address.</summary>
    private sealed record MemberWalk(ContainerOnNetwork Member, ReachResult Result, SymbolicRuleset Rules, PacketSet Reached, bool PublishedTo);

    /// <param name="refused">The connections a reverse-path filter drops on arrival: never walked.</param>
    private static MemberWalk Walk(SymbolicRuleset rules, PublishPolicy publish, ContainerOnNetwork member, IntervalSet hosts, IntervalSet outside, PacketSet refused)
    {
        var space = rules.Space;
        var binding = publish.Binding;
        var query = new ReachQuery(PacketPath.Forward)
        {
            Out = new InterfacePattern(member.Network.Bridge!),
            Protocol = Protocol.TryParse(binding.Protocol, out var p) ? p! : new Protocol(Protocol.Tcp, "tcp"),
            State = ConntrackStates.New,
            Opening = true,
        };
        var packets = query.ToPacketSet(space).Intersect(space.Whole()
            .With(Dimension.In, outside)
            .With(Dimension.Dst, hosts)
            .With(Dimension.Dport, IntervalSet.Single((UInt128)binding.HostPort!.Value))).Subtract(refused);
        var container = member.AddressOf(space.Family)!.Value;
        var result = SymbolicEngine.Reach(rules, query.Path, packets);
        var reached = result.Regions
            .Where(r => r.Verdict == ReachVerdict.Accept && PublishProof.DnatsTo(r, rules.Source, container))
            .Aggregate(PacketSet.Empty, (s, r) => s.Union(r.Packets));
        return new(member, result, rules, reached, result.Regions.Any(r => PublishProof.DnatsTo(r, rules.Source, container)));
    }

    /// <summary>
    /// A container on several networks is reached by a connection that reaches any of its addresses:
    /// Docker publishes the port on one endpoint only (its gateway endpoint's), and routing after the
    /// DNAT takes the connection to that address's bridge. So an allowed connection is missing only
    /// when no endpoint's walk reaches the container, and it is said once, by the endpoint the rules
    /// publish the port to (else the first). A connection the policy does not allow is a difference on
    /// any endpoint that it reaches or may reach.
    /// </summary>
    private static IEnumerable<PublishVerdict> Differences(List<MemberWalk> walks, PublishPolicy publish, IntervalSet listed, PacketSpace space)
    {
        var allowed = PacketSet.Of(space.Whole().With(publish.Restriction == PublishRestriction.FromSources ? Dimension.Src : Dimension.Dst, listed));
        var reachedAny = walks.Aggregate(PacketSet.Empty, (s, w) => s.Union(w.Reached));
        var voice = walks.FirstOrDefault(w => w.PublishedTo) ?? walks[0];
        foreach (var walk in walks)
        {
            var container = walk.Member.AddressOf(space.Family)!.Value;
            foreach (var region in walk.Result.Regions)
            {
                var reaches = region.Verdict == ReachVerdict.Accept && PublishProof.DnatsTo(region, walk.Rules.Source, container);
                var maybe = region.Verdict == ReachVerdict.Maybe;
                var should = region.Packets.Intersect(allowed).Subtract(reachedAny);
                var shouldNot = region.Packets.Subtract(allowed);
                if (walk == voice && !should.IsEmpty && !reaches) yield return new(publish, walk.Member, should, maybe ? null : false, true, region, walk.Result, walk.Rules);
                if (!shouldNot.IsEmpty && (reaches || maybe)) yield return new(publish, walk.Member, shouldNot, reaches ? true : null, false, region, walk.Result, walk.Rules);
            }
        }
    }
}
