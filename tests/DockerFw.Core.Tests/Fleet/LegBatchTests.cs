using DockerFw.Core.Fleet;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Tests.Fleet;

/// <summary>
/// A host's legs asked together (<see cref="LegBatch"/>: one walk over all their addresses, cut to
/// each) answer exactly what each leg asked alone answers: the same pieces, in the same order, with
/// the same rules, NAT and doubts, over the same packets.
/// </summary>
public sealed class LegBatchTests
{
    private static UInt128 Ip(string text) => IpAddressValue.Parse(text, IpFamily.V4);

    private static IntervalSet Net(string first, string last) => IntervalSet.Range(Ip(first), Ip(last));

    [Fact]
    public void Legs_judged_together_are_each_what_the_leg_alone_is()
    {
        // b lets a's subnet in but drops tcp/5432 to db and rejects a's .7; a masquerades nothing here.
        const string letIn = "-A DOCKER-USER -s 10.103.100.0/24 -i under0 -o docker0 -j ACCEPT";
        var host = FleetFixture.Host("routed", "b", FleetFixture.Replace("b", "iptables-save.txt", letIn,
            "-A DOCKER-USER -d 10.103.200.2/32 -p tcp -m tcp --dport 5432 -j DROP\n"
            + "-A DOCKER-USER -s 10.103.100.7/32 -j REJECT --reject-with icmp-port-unreachable\n" + letIn));
        var rules = new HostRules(host);
        (IntervalSet Sources, IntervalSet Destinations, IntervalSet? SeenAs)[] legs =
        [
            (Net("10.103.100.2", "10.103.100.254"), Net("10.103.200.2", "10.103.200.254"), null),
            (IntervalSet.Single(Ip("10.103.100.2")), IntervalSet.Single(Ip("10.103.200.2")), null),
            (IntervalSet.Single(Ip("10.103.100.7")), IntervalSet.Single(Ip("10.103.200.3")), null),
            (IntervalSet.Single(Ip("192.168.77.1")), Net("10.103.200.2", "10.103.200.254"), Net("10.103.100.2", "10.103.100.254")),
            (IntervalSet.Single(Ip("192.168.77.1")), IntervalSet.Single(Ip("10.103.200.2")), IntervalSet.Single(Ip("10.103.100.2"))),
        ];
        var batch = new LegBatch(rules);
        var requests = legs.Select(l => new LegRequest(new LegGroup(LegStage.ReceiverForward, PacketPath.Forward, "under0", "docker0", null, null, l.SeenAs is not null),
            l.Sources, l.Destinations, l.SeenAs)).ToArray();
        foreach (var request in requests) batch.Add(request);

        var together = batch.Judge();

        var kinds = new HashSet<ReachVerdict>();
        for (var i = 0; i < legs.Length; i++)
        {
            var alone = rules.Judge(LegStage.ReceiverForward, PacketPath.Forward, "under0", "docker0", legs[i].Sources, legs[i].Destinations,
                ConntrackStates.New, seenAs: legs[i].SeenAs);
            var cut = together.Cut(requests[i])!;
            Assert.Equal(alone.Pieces.Select(p => (p.Verdict, p.Rule, p.Nat, p.Doubt)), cut.Pieces.Select(p => (p.Verdict, p.Rule, p.Nat, p.Doubt)));
            foreach (var (a, c) in alone.Pieces.Zip(cut.Pieces))
                Assert.True(a.Packets.Subtract(c.Packets).IsEmpty && c.Packets.Subtract(a.Packets).IsEmpty, $"leg {i}: {a.Packets} vs {c.Packets}");
            kinds.UnionWith(alone.Pieces.Select(p => p.Verdict));
        }

        // The legs are not all alike: accepted, dropped and rejected packets are among them.
        Assert.Superset(new HashSet<ReachVerdict> { ReachVerdict.Accept, ReachVerdict.Drop, ReachVerdict.Reject }, kinds);
    }
}
