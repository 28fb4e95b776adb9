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
        foreach (var from in members)
        {
            foreach (var to in members.Where(m => m != from))
            {
                var problem = Disagreement(rules, family, from, to, PairExpectation.Of(policy, from, to));
                if (problem is not null)
                    problems.Add(PolicyMessages.PlanDisproved(new SourceSpan(policy.File, 1, 1),
                        $"{Describe(from)} -> {Describe(to)}{(family == IpFamily.V6 ? " over IPv6" : "")} {problem}"));
            }
        }

        problems.AddRange(PublishProof.Check(after, policy));
        return problems.ToImmutable();
    }

    private static string? Disagreement(SymbolicRuleset rules, IpFamily family, ContainerOnNetwork from, ContainerOnNetwork to, PairExpectation expected)
    {
        var space = rules.Space;
        var allowed = Allowed(space, expected);
        var requests = SymbolicEngine.Reach(rules, new ReachQuery(PacketPath.Forward)
        {
            In = new InterfacePattern(from.Network.Bridge!),
            Out = new InterfacePattern(to.Network.Bridge!),
            Source = Host(family, from.AddressOf(family)!.Value),
            Destination = Host(family, to.AddressOf(family)!.Value),
            State = ConntrackStates.New,
        });
        foreach (var region in requests.Regions)
        {
            var actual = Of(region.Verdict);
            var inAllowed = region.Packets.Intersect(allowed);
            if (!inAllowed.IsEmpty && actual != Reachability.Reachable) return Refusal(inAllowed, actual, Reachability.Reachable, region, requests, rules);
            var rest = region.Packets.Subtract(allowed);
            var restExpected = expected.Rest == Reachability.Reachable ? Reachability.Reachable : Reachability.Blocked;
            if (!rest.IsEmpty && actual != restExpected) return Refusal(rest, actual, restExpected, region, requests, rules);
        }

        // Replies of what should connect: the same ports, the other way, ESTABLISHED.
        var connecting = expected.Rest == Reachability.Reachable ? space.Universe(PacketPath.Forward) : allowed;
        var replies = SymbolicEngine.Reach(rules, new ReachQuery(PacketPath.Forward)
        {
            In = new InterfacePattern(to.Network.Bridge!),
            Out = new InterfacePattern(from.Network.Bridge!),
            Source = Host(family, to.AddressOf(family)!.Value),
            Destination = Host(family, from.AddressOf(family)!.Value),
            State = ConntrackStates.Established,
        });
        foreach (var region in replies.Regions.Where(r => r.Verdict != ReachVerdict.Accept))
        {
            var dropped = region.Packets.Intersect(Mirrored(connecting));
            if (!dropped.IsEmpty)
                return Refusal(Mirrored(dropped), Reachability.OneWay, Reachability.Reachable, region, replies, rules, "its replies are not accepted");
        }

        return null;
    }

    /// <summary>
    /// What the policy says of one ordered pair, port by port: each allowed port, and tcp/1 standing
    /// for every other port. The audit judges a host by these claims; the plan's proof covers the
    /// whole space (<see cref="PairExpectation"/>).
    /// </summary>
    internal static IEnumerable<(PortSpec Port, Reachability Expected)> Expectations(ResolvedPolicy policy, ContainerOnNetwork from, ContainerOnNetwork to)
    {
        var expected = PairExpectation.Of(policy, from, to);
        var other = new PortSpec(new Protocol(Protocol.Tcp, "tcp"), PortRange.Single(1));
        foreach (var port in expected.Allowed) yield return (port ?? other, Reachability.Reachable);
        if (!expected.AllowsEverything) yield return (other, expected.Rest);
    }

    /// <summary>The packets of the allowed protocols and ports, from any source port.</summary>
    internal static PacketSet Allowed(PacketSpace space, PairExpectation expected)
    {
        var whole = new Box([.. Dimensions.All.Select(space.Full)], BitCubeSet.All);
        if (expected.AllowsEverything) return PacketSet.Of(whole);
        var set = PacketSet.Empty;
        foreach (var port in expected.Allowed)
            set = set.Union(PacketSet.Of(whole
                .With(Dimension.Proto, IntervalSet.Single((UInt128)port!.Protocol.Number))
                .With(Dimension.Dport, IntervalSet.Range((UInt128)port.Ports.First, (UInt128)port.Ports.Last))));
        return set;
    }

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
