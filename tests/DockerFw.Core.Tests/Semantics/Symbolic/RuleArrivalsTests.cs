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
    public void A_walk_asked_about_some_rules_answers_for_them_as_the_whole_walk_does()
    {
        // FORWARD's rule 2 decides eth0's packets before they reach USER through rule 3, and eth3's
        // reach it only there: the walk may end after rule 3 (the last that leads to an asked rule),
        // never before it.
        var rules = SymbolicRuleset.Compile(AuditFixture.Read("""
            *filter
            :INPUT ACCEPT [0:0]
            :FORWARD DROP [0:0]
            :OUTPUT ACCEPT [0:0]
            :USER - [0:0]
            -A FORWARD -i eth1 -j USER
            -A FORWARD -i eth0 -j DROP
            -A FORWARD -j USER
            -A FORWARD -o eth2 -j ACCEPT
            -A USER -i eth0 -j ACCEPT
            -A USER -i eth3 -j ACCEPT
            -A USER -i eth1 -p tcp -j ACCEPT
            -A USER -i eth1 -p tcp -j DROP
            COMMIT
            """));
        HashSet<(string, string)> watched = [("filter", "FORWARD"), ("filter", "USER")];
        var user = Enumerable.Range(1, 4).Select(n => new ResponsibleRule("filter", "USER", n, 9 + n)).ToArray();

        var whole = RuleArrivals.Walk(rules, watched, [PacketPath.Forward])!;
        var asked = RuleArrivals.Walk(rules, watched, [PacketPath.Forward], asked: user.Contains)!;

        Assert.Equal([false, true, true, false], user.Select(asked.Matched));
        Assert.Equal(user.Select(whole.Matched), user.Select(asked.Matched));
        Assert.Equal(user.Select(r => whole.Satisfying(r).Count), user.Select(r => asked.Satisfying(r).Count));
    }

    [Fact]
    public void A_walk_past_its_budget_answers_nothing_rather_than_part() =>
        Assert.Null(RuleArrivals.Walk(Rules, Forward, [PacketPath.Forward], budget: 1));
}
