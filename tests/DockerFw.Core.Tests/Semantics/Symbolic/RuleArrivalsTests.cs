using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Tests.Audit;

namespace DockerFw.Tests.Semantics.Symbolic;

public sealed class RuleArrivalsTests
{
    private static readonly SymbolicRuleset Rules = SymbolicRuleset.Compile(AuditFixture.Read("""
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD DROP [0:0]
        :OUTPUT ACCEPT [0:0]
        -A FORWARD -i eth0 -j ACCEPT
        -A FORWARD -i eth0 -p tcp -j DROP
        -A FORWARD -i eth1 -p udp -j DROP
        COMMIT
        """));

    private static readonly HashSet<(string, string)> Forward = [("filter", "FORWARD")];

    [Fact]
    public void A_rule_after_one_that_takes_its_packets_matches_nothing_though_they_enter_its_chain()
    {
        var arrivals = RuleArrivals.Walk(Rules, Forward, [PacketPath.Forward])!;

        Assert.True(arrivals.Matched(new ResponsibleRule("filter", "FORWARD", 1, 5)));
        Assert.False(arrivals.Matched(new ResponsibleRule("filter", "FORWARD", 2, 6)));
        Assert.True(arrivals.Matched(new ResponsibleRule("filter", "FORWARD", 3, 7)));
        Assert.NotEmpty(arrivals.Satisfying(new ResponsibleRule("filter", "FORWARD", 2, 6)));
    }

    [Fact]
    public void A_walk_past_its_budget_answers_nothing_rather_than_part() =>
        Assert.Null(RuleArrivals.Walk(Rules, Forward, [PacketPath.Forward], budget: 1));
}
