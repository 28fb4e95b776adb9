using System.Collections.Immutable;
using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Remediation;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Connections;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Policy.Judging;

/// <summary>The verdicts of every pair, in the order of the policy's containers, and whether any new connection between them passes dockerfw's jump.</summary>
internal sealed record PairJudgement(ImmutableArray<PairVerdict> Verdicts, bool AnyPassesJump);

/// <summary>
/// The one judge of a policy's pairs, for <c>audit --policy</c> and the plan's proof alike: for every
/// ordered pair of the policy's containers on bridge networks, the symbolic engine partitions every new
/// connection between them (all protocols, ports and ICMP types) by fate, and each piece must meet
/// the policy's (<see cref="PairExpectation"/>); the replies of what should connect, and does, must
/// come back. Every differing piece is kept, in the order of the walk's regions: the audit reports
/// them all, the proof refuses with each pair's first.
/// </summary>
internal static class PairJudge
{
    public static PairJudgement Judge(PolicyView view, ResolvedPolicy policy)
    {
        var rules = view.Rules;
        var space = rules.Space;
        var family = space.Family;
        var jump = JumpToPolicy(rules.Source);
        var members = policy.Members.Where(m => m.AddressOf(family) is not null).ToList();
        var containers = members.Aggregate(IntervalSet.Empty, (s, m) => s.Union(IntervalSet.Single(m.AddressOf(family)!.Value)));
        var bridges = ContainerWalks.BridgesOf(space, members);
        var verdicts = ImmutableArray.CreateBuilder<PairVerdict>();
        var gates = new NeighbourGates(rules, view.HostOn);
        var passesJump = false;
        // A connection's replies and later packets carry its virtual states (oracle F45), asked only where a rule tests them.
        var natTested = ConnectionNat.Tested(rules);
        // Every container's walks first: a pair's later packets (ESTABLISHED, the request's way) are among
        // what the server's own reply walk holds (ESTABLISHED from every container to it).
        var walksOf = members.ToDictionary(m => m, m => ContainerWalks.From(rules, m, family, containers, bridges));
        var replyCuts = walksOf.ToDictionary(c => c.Key, c => new RegionCut(c.Value.Replies));
        var laterCuts = walksOf.ToDictionary(c => c.Key, c => ReferenceEquals(c.Value.Later, c.Value.Replies) ? replyCuts[c.Key] : new RegionCut(c.Value.Later));
        foreach (var from in members)
        {
            var walks = walksOf[from];
            var (requests, replies) = (new RegionCut(walks.Requests), replyCuts[from]);
            passesJump |= jump is not null && walks.Requests.Regions.Any(r => r.Rules.Any(x =>
                x is { Table: "filter", Chain: PolicyPlanner.DockerUser } && x.Number == jump.Number));

            foreach (var to in members.Where(m => m != from))
            {
                var expected = PairExpectation.Of(policy, from, to);
                if (to.Network.Bridge == from.Network.Bridge && view.SwitchesUnfiltered(from.Network.Bridge!))
                {
                    if (Unfiltered(space, from, to, expected) is { } open) verdicts.Add(open);
                    continue;
                }

                var pair = ContainerWalks.PairWith(space, to, family);
                // IPv6 neighbour discovery inside a bridge finds a link, it opens no connection: conntrack
                // leaves it UNTRACKED, so the requests' walk (NEW, whose ICMPv6 is its queries alone since
                // oracle F39: IcmpStates) holds none of it, nor of the rest of ICMPv6's untracked types
                // the matrices leave out (UntrackedIcmpV6). But without it no IPv6 packet of the pair is
                // delivered (the one gate the audit's icc and container matrix ask too).
                var link = family == IpFamily.V6 && from.Network.Id == to.Network.Id;
                var neighbours = link ? Neighbours(gates, members, from, to) : NeighbourFate.Passes;
                var way = ServerWay(space, policy, gates, members, from, to, (replies, pair.Replies), view.SwitchesUnfiltered);
                var later = new LaterFates(laterCuts[to], ContainerWalks.PairWith(space, from, family).Replies);
                // The server's own replies switched past the host's conntrack leave its connections unreplied (F46).
                var laterOwn = way.OwnUnfiltered ? LaterFates.Unconfirmed(rules, from, to, family, view.HasTracker) : later;
                verdicts.AddRange(Pair(space, from, to, expected, (requests, pair.Requests), way, (later, laterOwn), neighbours, r => SourceNated(rules.Source, r),
                    r => natTested ? ConnectionNat.Of(r) : ConntrackStates.None));
            }
        }

        return new PairJudgement(verdicts.ToImmutable(), passesJump);
    }

    /// <summary>The rule of DOCKER-USER that hands traffic to dockerfw's chain, if there is one.</summary>
    public static Rule? JumpToPolicy(Ruleset ruleset) =>
        ruleset["filter"]?[PolicyPlanner.DockerUser]?.Rules.FirstOrDefault(r => r.Target is JumpTarget { Chain: PolicyPlanner.Chain });

    /// <summary>
    /// With bridge-nf-call-iptables 0 the bridge switches frames between its ports without iptables:
    /// whatever the rules say, everything passes, which differs wherever the policy blocks.
    /// </summary>
    private static PairVerdict? Unfiltered(PacketSpace space, ContainerOnNetwork from, ContainerOnNetwork to, PairExpectation expected)
    {
        if (expected.Rest == Reachability.Reachable) return null;
        var forbidden = space.Universe(PacketPath.Forward).Subtract(Allowed(space, expected));
        return forbidden.IsEmpty ? null : new PairVerdict(from, to, forbidden, Reachability.Reachable, Reachability.Blocked)
        {
            Why = "bridge-nf-call-iptables is 0, so frames switched inside the bridge never reach iptables",
        };
    }

    /// <summary>
    /// The replies of a pair: the request's way back (<see cref="PairReplies.Back"/>), and where the server
    /// answers by its own routes through the client's bridge (<see cref="ReplyWayOfPair"/>, as the audit's
    /// matrices judge it) that way too, with whether it finds the client's link there over IPv6 and whether
    /// that bridge switches the replies past iptables and conntrack (oracle F46).
    /// </summary>
    private static PairReplies ServerWay(PacketSpace space, ResolvedPolicy policy, NeighbourGates gates, List<ContainerOnNetwork> members,
        ContainerOnNetwork from, ContainerOnNetwork to, (RegionCut Walk, Box Back) replies, Func<string, bool> switchesUnfiltered)
    {
        var family = space.Family;
        if (ReplyWayOfPair.Of(policy, from, to, family) is not { } answering) return new(replies.Walk, replies.Back, null, NeighbourFate.Passes);
        var bridge = answering.Network.Bridge!;
        var own = replies.Back.With(Dimension.In, space.Interfaces.Matching(new InterfacePattern(bridge)));
        var gate = family == IpFamily.V6
            ? gates.Answering(bridge, IntervalSet.FromValues(members.Where(m => m.Network.Id == answering.Network.Id).Select(m => m.AddressOf(family)!.Value)),
                IntervalSet.Single(from.AddressOf(family)!.Value))
            : NeighbourFate.Passes;
        return new(replies.Walk, replies.Back, own, gate) { OwnUnfiltered = switchesUnfiltered(bridge) };
    }

    /// <param name="requests">NEW packets from one container, and the box of those to the other.</param>
    /// <param name="replies">ESTABLISHED packets to it, and the boxes of those from the other, each way.</param>
    /// <param name="later">The fate of the requests' later packets (oracle F38), of those answered the request's way back and of those the server answers by its own.</param>
    /// <param name="neighbours">Whether the two find each other's link (IPv6 on one bridge): dropped, no packet between them is delivered; unsure, none surely is.</param>
    /// <param name="sourceNated">
    /// Whether a request region is source-NATed on its way (Docker masquerades a network's traffic
    /// leaving by another bridge): the server then answers the NAT address, the request's way back.
    /// </param>
    private static IEnumerable<PairVerdict> Pair(PacketSpace space, ContainerOnNetwork from, ContainerOnNetwork to, PairExpectation expected,
        (RegionCut Walk, Box Pair) requests, PairReplies replies, (LaterFates Back, LaterFates Own) later, NeighbourFate neighbours, Func<ReachRegion, bool> sourceNated,
        Func<ReachRegion, ConntrackStates> natOf)
    {
        var allowed = Allowed(space, expected);
        var restExpected = expected.Rest == Reachability.Reachable ? Reachability.Reachable : Reachability.Blocked;
        // The requests that pass, by the way their replies take (the server's own or back) and their connection's virtual states.
        var accepted = new SortedDictionary<(bool Kept, ConntrackStates Nat), PacketSet>();

        // The requests whose replies die (or may), by protocol and ports: a forbidden first packet that
        // gets through makes no connection when its replies are dropped (oracle F24: an admin's one-way
        // accept between two bridges), and that is what the finding must say.
        var fates = new ReplyFatesByNat(space, replies);
        foreach (var (region, packets) in requests.Walk.Within(requests.Pair))
        {
            var (actual, decided, gate) = Gated(Of(region.Verdict), (region, requests.Walk.Result), neighbours);
            var kept = replies.Own is not null && !sourceNated(region);
            var nat = natOf(region);
            if (actual == Reachability.Reachable)
                accepted[(kept, nat)] = accepted.TryGetValue((kept, nat), out var so) ? so.Union(packets) : packets;

            var inAllowed = packets.Intersect(allowed);
            if (!inAllowed.IsEmpty && actual != Reachability.Reachable)
                yield return new(from, to, inAllowed, actual, Reachability.Reachable) { DecidedIn = decided, Neighbours = gate };
            var rest = packets.Subtract(allowed);
            if (rest.IsEmpty || actual == restExpected) continue;
            if (actual != Reachability.Reachable)
            {
                yield return new(from, to, rest, actual, restExpected) { DecidedIn = decided, Neighbours = gate };
                continue;
            }

            var (dying, unsure) = (fates.Of(kept, nat).Dying, fates.Of(kept, nat).Unsure);
            // Of the connections whose replies come back, those whose later packets die carry no data (F38).
            var answered = rest.Subtract(dying).Subtract(unsure);
            var (openingOnly, laterUnsure) = (kept ? later.Own : later.Back).Of(answered, nat);
            foreach (var (piece, fate) in new[]
                     {
                         (answered.Subtract(openingOnly).Subtract(laterUnsure), (Reachability?)Reachability.Reachable), (rest.Intersect(dying), Reachability.OneWay),
                         (openingOnly, Reachability.OpeningOnly), (rest.Subtract(dying).Intersect(unsure).Union(laterUnsure), null),
                     })
                if (!piece.IsEmpty) yield return new(from, to, piece, fate, restExpected) { DecidedIn = (region, requests.Walk.Result) };
        }

        // Replies of the connections that should work and whose first packet does (one whose first
        // packet dies is a verdict already): the same ports the other way, ESTABLISHED with the
        // connection's virtual states (oracle F45), on the way each takes.
        var should = expected.Rest == Reachability.Reachable ? space.Universe(PacketPath.Forward) : allowed;
        foreach (var ((kept, nat), packets) in accepted)
            foreach (var verdict in fates.Of(kept, nat).Dropping(from, to, RepliesOf(space.Family, Ports(space, packets.Intersect(should)), nat)))
                yield return verdict;
        // And the later packets of those whose replies come back (oracle F38): dropped, the connection carries no data.
        foreach (var nat in accepted.Keys.Select(k => k.Nat).Distinct())
        {
            PacketSet Connecting(bool kept) => accepted.TryGetValue((kept, nat), out var packets)
                ? packets.Intersect(should).Subtract(fates.Of(kept, nat).Dying).Subtract(fates.Of(kept, nat).Unsure) : PacketSet.Empty;
            var laterDropped = later.Own == later.Back ? later.Back.Dropping(from, to, Connecting(false).Union(Connecting(true)), nat)
                : later.Back.Dropping(from, to, Connecting(false), nat).Concat(later.Own.Dropping(from, to, Connecting(true), nat));
            foreach (var verdict in laterDropped)
                yield return verdict;
        }
    }

    /// <summary>Whether a request region passes a source NAT (MASQUERADE, SNAT): its replies come back to the NAT address, the way it came.</summary>
    private static bool SourceNated(Ruleset ruleset, ReachRegion region) =>
        region.Rules.Any(r => PortReach.SourceOf(ruleset, r)?.Target is MasqueradeTarget or SnatTarget);

    /// <summary>
    /// What neighbour discovery makes of a piece's fate: dropped, every packet is blocked, decided by
    /// the walk of the solicitations and advertisements; unsure, a piece the rules let through may not
    /// arrive (one they block stays blocked, whatever the neighbours do).
    /// </summary>
    private static (Reachability? Actual, (ReachRegion Region, ReachResult Result) Decided, NeighbourFate? Gate) Gated(
        Reachability? actual, (ReachRegion Region, ReachResult Result) decided, NeighbourFate neighbours) => neighbours switch
    {
        { Verdict: ReachVerdict.Drop, Walk: { } walk } => (Reachability.Blocked, (neighbours.Deciding[0], walk), neighbours),
        { Verdict: null, Walk: { } walk } when actual != Reachability.Blocked => (null, (neighbours.Deciding[0], walk), neighbours),
        _ => (actual, decided, null),
    };

    /// <summary>Neighbour discovery between two containers of one bridge, from one to the other and back.</summary>
    private static NeighbourFate Neighbours(NeighbourGates gates, List<ContainerOnNetwork> members, ContainerOnNetwork from, ContainerOnNetwork to) =>
        from.Network.Bridge is { } bridge
            ? gates.Between(bridge, IntervalSet.FromValues(members.Where(m => m.Network.Id == from.Network.Id).Select(m => m.AddressOf(IpFamily.V6)!.Value)),
                from.AddressOf(IpFamily.V6)!.Value, to.AddressOf(IpFamily.V6)!.Value)
            : NeighbourFate.Passes;

    /// <summary>The packets of the allowed protocols and ports, from any source port, and those of kept links.</summary>
    internal static PacketSet Allowed(PacketSpace space, PairExpectation expected)
    {
        var whole = space.Whole();
        if (expected.AllowsEverything) return PacketSet.Of(whole);
        var set = PacketSet.Empty;
        foreach (var port in expected.Allowed)
            set = set.Union(PacketSet.Of(Ports(whole, port!, Dimension.Dport)));
        foreach (var (port, fromPort) in expected.Links)
            set = set.Union(PacketSet.Of(Ports(whole, port, fromPort ? Dimension.Sport : Dimension.Dport)));
        return set;
    }

    private static Box Ports(Box whole, PortSpec port, Dimension side) => whole
        .With(Dimension.Proto, IntervalSet.Single((UInt128)port.Protocol.Number))
        .With(side, IntervalSet.Range((UInt128)port.Ports.First, (UInt128)port.Ports.Last));

    /// <summary>
    /// Packets reduced to their protocol, ports and ICMP types, every address and interface: what a reply
    /// is matched on. The types were dropped before, so a drop of one ICMP reply type (a timestamp reply)
    /// made every ICMP request one-way, an echo request's too.
    /// </summary>
    internal static PacketSet Ports(PacketSpace space, PacketSet packets) => new([.. packets.Boxes.Select(b => space.Whole()
        .With(Dimension.Proto, b[Dimension.Proto]).With(Dimension.Sport, b[Dimension.Sport]).With(Dimension.Dport, b[Dimension.Dport])
        .With(Dimension.IcmpType, b[Dimension.IcmpType]))]);

    /// <summary>The replies of a set of requests: ESTABLISHED, source and destination ports swapped, an ICMP query answered by its reply's type (<see cref="IcmpStates.RepliesTo"/>).</summary>
    internal static PacketSet RepliesOf(IpFamily family, PacketSet requests, ConntrackStates nat = ConntrackStates.None) =>
        Swapped(family, requests, ConntrackStates.Established | nat, IcmpStates.RepliesTo);

    /// <summary>
    /// The requests a set of replies answers: NEW, the ports swapped back, an ICMP reply's type its query's;
    /// ICMP messages that answer no query (a later query of the server's own) answer none.
    /// </summary>
    internal static PacketSet RequestsOf(IpFamily family, PacketSet replies) => Swapped(family, replies, ConntrackStates.New, IcmpStates.QueriesAnswered);

    private static PacketSet Swapped(IpFamily family, PacketSet packets, ConntrackStates state, Func<IpFamily, IntervalSet, IntervalSet> icmpTypes)
    {
        var icmp = IntervalSet.Single((UInt128)(family == IpFamily.V4 ? Protocol.Icmp : Protocol.IcmpV6));
        var states = IntervalSet.Single((UInt128)(int)state);
        return new([.. packets.Boxes.SelectMany(Of)]);

        IEnumerable<Box> Of(Box b)
        {
            var swapped = b.With(Dimension.Sport, b[Dimension.Dport]).With(Dimension.Dport, b[Dimension.Sport]).With(Dimension.State, states);
            if (!b[Dimension.Proto].Overlaps(icmp))
            {
                yield return swapped;
                yield break;
            }

            var others = b[Dimension.Proto].Subtract(icmp);
            if (!others.IsEmpty) yield return swapped.With(Dimension.Proto, others);
            var types = icmpTypes(family, b[Dimension.IcmpType]);
            if (!types.IsEmpty) yield return swapped.With(Dimension.Proto, icmp).With(Dimension.IcmpType, types);
        }
    }

    private static Reachability? Of(ReachVerdict verdict) => verdict switch
    {
        ReachVerdict.Accept => Reachability.Reachable,
        ReachVerdict.Drop or ReachVerdict.Reject => Reachability.Blocked,
        _ => null,
    };
}
