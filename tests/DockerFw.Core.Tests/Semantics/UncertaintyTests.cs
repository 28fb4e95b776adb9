using DockerFw.Core.Semantics;
using static DockerFw.Tests.Semantics.Packets;
using static DockerFw.Tests.Semantics.TraceText;

namespace DockerFw.Tests.Semantics;

/// <summary>An undecidable condition never yields a silently wrong answer: both ways are followed.</summary>
public sealed class UncertaintyTests
{
    private const string BlockList = """
        *filter
        :FORWARD ACCEPT [0:0]
        :DOCKER-USER - [0:0]
        -A FORWARD -j DOCKER-USER
        -A FORWARD -o docker0 -j ACCEPT
        # the members of "blocked" live in the kernel, not in the dump
        -A DOCKER-USER -m set --match-set blocked src -j DROP
        -A DOCKER-USER -j RETURN
        COMMIT
        """;

    [Fact]
    public void An_ipset_without_members_makes_both_verdicts_possible_each_with_the_rule_that_causes_the_doubt()
    {
        var result = Trace(BlockList, Tcp("198.51.100.7:40000", "172.17.0.2:80", "eth0", "docker0"));

        Assert.False(result.Certain);
        Assert.Null(result.Verdict);
        Assert.Equal([PacketVerdict.Accept, PacketVerdict.Drop], result.PossibleVerdicts.ToArray());
        var drop = result.Outcomes.Single(o => o.Verdict == PacketVerdict.Drop);
        var accept = result.Outcomes.Single(o => o.Verdict == PacketVerdict.Accept);
        Assert.Equal("filter/FORWARD#1 filter/DOCKER-USER#1", drop.Counted());
        Assert.Equal("filter/FORWARD#1 filter/DOCKER-USER#2 filter/FORWARD#2", accept.Counted());
        Assert.True(Assert.Single(drop.Doubts).AssumedMatch);
        Assert.False(Assert.Single(accept.Doubts).AssumedMatch);
        Assert.Equal(7, Assert.Single(result.Doubts).Rule!.Line);
        Assert.Contains("blocked", result.Doubts[0].Reason);
    }

    [Fact]
    public void Only_the_rules_every_outcome_counts_before_the_doubt_are_reported_as_certainly_counted()
    {
        var result = Trace(BlockList, Tcp("198.51.100.7:40000", "172.17.0.2:80", "eth0", "docker0"));

        Assert.Equal("filter/FORWARD#1", result.Counted());
    }

    [Fact]
    public void A_doubt_that_does_not_change_the_verdict_leaves_it_certain()
    {
        var result = Trace("""
            *filter
            :INPUT DROP [0:0]
            -A INPUT -m limit --limit 5/min -j LOG
            -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
            COMMIT
            """, Tcp("198.51.100.7:40000", "192.0.2.10:22", "eth0"), PacketPath.Input);

        Assert.True(result.Certain);
        Assert.Equal(PacketVerdict.Accept, result.Verdict);
        Assert.Equal(2, result.Outcomes.Length);
        Assert.Empty(result.Matched);
    }

    [Fact]
    public void Too_many_undecidable_rules_end_in_every_verdict_being_possible_not_in_a_guess()
    {
        var rules = string.Join('\n', Enumerable.Range(0, 20).Select(i => $"-A FORWARD -m statistic --mode nth --every {i + 2} --packet 0 -j MARK --set-xmark 0x{i:x}/0xffffffff"));
        var result = Trace($"""
            *filter
            :FORWARD ACCEPT [0:0]
            {rules}
            -A FORWARD -m mark --mark 0x3 -j DROP
            COMMIT
            """, Tcp("198.51.100.7:40000", "172.17.0.2:80", "eth0", "docker0"));

        Assert.Equal([PacketVerdict.Accept, PacketVerdict.Drop, PacketVerdict.Reject], result.PossibleVerdicts.ToArray());
        Assert.Contains(result.Doubts, d => d.Reason.Contains("branches of undecidable rules"));
    }
}
