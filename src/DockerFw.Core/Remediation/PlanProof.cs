using System.Collections.Immutable;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Connections;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Text;

namespace DockerFw.Core.Remediation;

/// <summary>
/// A plan proves itself on the after-state with the symbolic engine, for every ordered pair of
/// running containers on bridge networks and every packet between them (all protocols, ports and
/// ICMP types): new connections the policy allows are accepted and so are their replies; every other
/// new connection is accepted (with its replies) or dropped exactly as the policy says. Published-port
/// restrictions are proved by <see cref="PublishProof"/>. A disagreement names the pair, the packets
/// and the rule that decided.
/// </summary>
internal static class PlanProof
{
    public static ImmutableArray<Diagnostic> Check(Ruleset after, ResolvedPolicy policy)
    {
        var family = after.Family;
        var members = policy.Members.Where(m => m.AddressOf(family) is not null).ToList();
        // Whether an address is the host's decides Docker's DNAT hook (addrtype LOCAL): no container
        // address is, and the proof asks only about container addresses.
        var containers = members.Aggregate(IntervalSet.Empty, (s, m) => s.Union(IntervalSet.Single(m.AddressOf(family)!.Value)));
        var rules = SymbolicRuleset.Compile(after, policy.Bridges.Select(b => new InterfacePattern(b.Bridge!)), containers.Complement(family.AllOnes()));
        var problems = ImmutableArray.CreateBuilder<Diagnostic>();
        var space = rules.Space;
        var bridges = ContainerWalks.BridgesOf(space, members);
        foreach (var from in members)
        {
            var walks = ContainerWalks.From(rules, from, family, containers, bridges);
            foreach (var to in members.Where(m => m != from))
            {
                var pair = ContainerWalks.PairWith(space, to, family);
                var ignored = family == IpFamily.V6 && from.Network.Id == to.Network.Id ? NeighbourDiscovery(space) : PacketSet.Empty;
                var problem = Disagreement(rules, PairExpectation.Of(policy, from, to), (walks.Requests, pair.Requests), (walks.Replies, pair.Replies), ignored);
                if (problem is not null)
                    problems.Add(PolicyMessages.PlanDisproved(new SourceSpan(policy.File, 1, 1),
                        $"{Describe(from)} -> {Describe(to)}{(family == IpFamily.V6 ? " over IPv6" : "")} {problem}"));
            }
        }

        problems.AddRange(PublishProof.Check(after, policy));
        return problems.ToImmutable();
    }

    /// <param name="requests">NEW packets from one container, and the box of those to the other.</param>
    /// <param name="replies">ESTABLISHED packets to it, and the box of those from the other.</param>
    /// <param name="ignored">Packets the policy does not govern, which may go either way.</param>
    private static string? Disagreement(SymbolicRuleset rules, PairExpectation expected, (ReachResult Result, Box Pair) requests, (ReachResult Result, Box Pair) replies,
        PacketSet ignored)
    {
        var space = rules.Space;
        var allowed = Allowed(space, expected);
        foreach (var region in requests.Result.Regions)
        {
            var packets = region.Packets.Intersect(requests.Pair).Subtract(ignored);
            if (packets.IsEmpty) continue;
            var actual = Of(region.Verdict);
            var inAllowed = packets.Intersect(allowed);
            if (!inAllowed.IsEmpty && actual != Reachability.Reachable) return Refusal(inAllowed, actual, Reachability.Reachable, region, requests.Result, rules);
            var rest = packets.Subtract(allowed);
            var restExpected = expected.Rest == Reachability.Reachable ? Reachability.Reachable : Reachability.Blocked;
            if (!rest.IsEmpty && actual != restExpected) return Refusal(rest, actual, restExpected, region, requests.Result, rules);
        }

        // Replies of what should connect: the same ports, the other way, ESTABLISHED.
        var connecting = Mirrored(expected.Rest == Reachability.Reachable ? space.Universe(PacketPath.Forward) : allowed);
        foreach (var region in replies.Result.Regions.Where(r => r.Verdict != ReachVerdict.Accept))
        {
            var dropped = region.Packets.Intersect(replies.Pair).Intersect(connecting);
            if (!dropped.IsEmpty)
                return Refusal(Mirrored(dropped), Reachability.OneWay, Reachability.Reachable, region, replies.Result, rules, "its replies are not accepted");
        }

        return null;
    }

    /// <summary>
    /// IPv6 neighbour solicitations and advertisements (ICMPv6 135, 136): how two containers of one
    /// bridge find each other's link, not a connection. br_netfilter hands them to the forward hook;
    /// a plan that lets a pair connect must let them through (dockerfw's nft table does, before its
    /// drops), and one that blocks a pair need not drop them, so the proof leaves them out.
    /// </summary>
    internal static PacketSet NeighbourDiscovery(PacketSpace space) => PacketSet.Of(new Box([.. Dimensions.All.Select(space.Full)], BitCubeSet.All)
        .With(Dimension.Proto, IntervalSet.Single((UInt128)Protocol.IcmpV6))
        .With(Dimension.IcmpType, IntervalSet.Range(135, 136)));

    /// <summary>The packets of the allowed protocols and ports, from any source port, and those of kept links.</summary>
    internal static PacketSet Allowed(PacketSpace space, PairExpectation expected)
    {
        var whole = new Box([.. Dimensions.All.Select(space.Full)], BitCubeSet.All);
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

    /// <summary>Source and destination ports swapped: the replies of a set of requests, or back.</summary>
    internal static PacketSet Mirrored(PacketSet packets) => new([.. packets.Boxes.Select(b =>
        b.With(Dimension.Sport, b[Dimension.Dport]).With(Dimension.Dport, b[Dimension.Sport]))]);

    private static string Refusal(PacketSet packets, Reachability? actual, Reachability expected, ReachRegion region, ReachResult result,
        SymbolicRuleset rules, string? why = null)
    {
        var text = $"{ProofText.Packets(packets, rules.Space)} is {Word(actual)}, not {Word(expected)}";
        if (why is not null) text += $": {why}";
        if (region.Verdict == ReachVerdict.Maybe && region.Doubts.FirstOrDefault() is { } doubt)
            return text + $" (the dump cannot decide {doubt}: {result.DoubtReasons.GetValueOrDefault(doubt)})";
        return ProofText.DecidedBy(region, rules.Source) is { } rule ? text + $" (decided by {rule})" : text;
    }

    private static Reachability? Of(ReachVerdict verdict) => verdict switch
    {
        ReachVerdict.Accept => Reachability.Reachable,
        ReachVerdict.Drop or ReachVerdict.Reject => Reachability.Blocked,
        _ => null,
    };

    internal static AddressMask Host(IpFamily family, UInt128 address) => AddressMask.FromPrefix(family, address, family.Bits());

    internal static string Describe(ContainerOnNetwork member) => $"'{member.Container.Name}' on '{member.Network.Name}'";

    internal static string Word(Reachability? reachability) => reachability switch
    {
        Reachability.Reachable => "reachable",
        Reachability.OneWay => "one-way",
        Reachability.Blocked => "blocked",
        _ => "uncertain",
    };
}
