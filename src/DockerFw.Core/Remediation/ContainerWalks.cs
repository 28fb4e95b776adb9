using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Remediation;

/// <summary>
/// Everything one container sends to the policy's other containers (NEW) and everything they answer
/// it (ESTABLISHED), each found in one symbolic walk and cut per pair afterwards: 2N walks for N
/// containers instead of 2N². The plan's proof and the audit's policy check both judge from these.
/// </summary>
internal sealed record ContainerWalks(ReachResult Requests, ReachResult Replies)
{
    /// <summary>
    /// The same ESTABLISHED packets to the container walked as the other containers' requests' later
    /// packets (the ORIGINAL direction): <see cref="Replies"/> itself unless a rule tells a connection's
    /// direction or original tuple (<see cref="ToldConnection"/>), where the two are walked apart.
    /// </summary>
    public ReachResult Later { get; init; } = null!;

    /// <param name="containers">Every container address of the policy in this family.</param>
    /// <param name="bridges">The interfaces of every bridge the policy's containers are on.</param>
    public static ContainerWalks From(SymbolicRuleset rules, ContainerOnNetwork from, IpFamily family, IntervalSet containers, IntervalSet bridges)
    {
        var space = rules.Space;
        var whole = space.Whole();
        var address = IntervalSet.Single(from.AddressOf(family)!.Value);
        var fromBridge = space.Interfaces.Matching(new InterfacePattern(from.Network.Bridge!));
        // A connection opens with a SYN (Openings): a NEW bare ACK conntrack picks up opens nothing.
        var requests = SymbolicEngine.Reach(rules, PacketPath.Forward, Audit.Analysis.Openings.Of(new ReachQuery(PacketPath.Forward) { State = ConntrackStates.New }
            .ToPacketSet(space)).Intersect(whole.With(Dimension.Src, address).With(Dimension.In, fromBridge)
                .With(Dimension.Dst, containers).With(Dimension.Out, bridges)));
        // A connection's replies: TCP's carry ACK, never a bare SYN (Openings.ReplyFlags).
        // Where a rule tests a connection's virtual states, with each (oracle F45): a masqueraded
        // request's replies are ESTABLISHED and SNAT, and PairJudge cuts them by the request's NAT.
        var established = Audit.Analysis.ConnectionNat.Tested(rules)
            ? IntervalSet.FromValues([.. Audit.Analysis.ConnectionNat.Every.Select(nat => (UInt128)(int)(ConntrackStates.Established | nat))])
            : IntervalSet.Single((UInt128)(int)ConntrackStates.Established);
        var answers = Audit.Analysis.Openings.Answers(new ReachQuery(PacketPath.Forward) { State = ConntrackStates.Established }.ToPacketSet(space));
        var arriving = new PacketSet([.. answers.Boxes.Select(b => b.With(Dimension.State, established))])
            .Intersect(whole.With(Dimension.Dst, address).With(Dimension.Out, fromBridge).With(Dimension.Src, containers).With(Dimension.In, bridges));
        var replies = SymbolicEngine.Reach(rules, PacketPath.Forward, arriving, ToldConnection.Replies);
        var later = ToldConnection.Tested(rules) ? SymbolicEngine.Reach(rules, PacketPath.Forward, arriving, ToldConnection.Original) : replies;
        return new ContainerWalks(requests, replies) { Later = later };
    }

    /// <summary>The boxes that cut the walks down to one pair: requests to <paramref name="to"/>, replies from it.</summary>
    public static (Box Requests, Box Replies) PairWith(PacketSpace space, ContainerOnNetwork to, IpFamily family)
    {
        var whole = space.Whole();
        var address = IntervalSet.Single(to.AddressOf(family)!.Value);
        var bridge = space.Interfaces.Matching(new InterfacePattern(to.Network.Bridge!));
        return (whole.With(Dimension.Dst, address).With(Dimension.Out, bridge), whole.With(Dimension.Src, address).With(Dimension.In, bridge));
    }

    /// <summary>The interfaces of every bridge the given containers are on.</summary>
    public static IntervalSet BridgesOf(PacketSpace space, IEnumerable<ContainerOnNetwork> members) =>
        members.Select(m => m.Network.Bridge!).Distinct()
            .Aggregate(IntervalSet.Empty, (s, b) => s.Union(space.Interfaces.Matching(new InterfacePattern(b))));

}
