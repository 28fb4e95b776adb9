using DockerFw.Core.Semantics;
using static DockerFw.Tests.Semantics.Packets;
using static DockerFw.Tests.Semantics.TraceText;

namespace DockerFw.Tests.Semantics;

/// <summary>Jumps, gotos, RETURN, falling through and policies, as the kernel's ipt_do_table walks them.</summary>
public sealed class ChainWalkTests
{
    [Fact]
    public void A_packet_no_rule_matches_gets_the_policy_and_counts_nothing()
    {
        var result = Trace("""
            *filter
            :FORWARD DROP [0:0]
            -A FORWARD -s 192.0.2.0/24 -j ACCEPT
            COMMIT
            """, Tcp("10.0.0.1:40000", "10.0.0.2:80"));

        Assert.Equal(PacketVerdict.Drop, result.Verdict);
        Assert.True(result.Certain);
        Assert.Empty(result.Matched);
        Assert.Null(result.Outcomes[0].DecidedBy);
    }

    [Fact]
    public void The_first_terminating_rule_decides_and_later_rules_are_not_counted()
    {
        var result = Trace("""
            *filter
            :FORWARD ACCEPT [0:0]
            # counts and goes on: a rule without a target
            -A FORWARD -d 10.0.0.2/32
            -A FORWARD -p tcp -m tcp --dport 80 -j DROP
            -A FORWARD -j ACCEPT
            COMMIT
            """, Tcp("10.0.0.1:40000", "10.0.0.2:80"));

        Assert.Equal(PacketVerdict.Drop, result.Verdict);
        Assert.Equal("filter/FORWARD#1 filter/FORWARD#2", result.Counted());
        Assert.Equal(5, result.Outcomes[0].DecidedBy!.Line);
    }

    [Fact]
    public void A_jump_returns_to_the_rule_after_it_when_the_user_chain_falls_off_its_end()
    {
        var result = Trace("""
            *filter
            :FORWARD DROP [0:0]
            :CHECKS - [0:0]
            -A FORWARD -j CHECKS
            -A FORWARD -j ACCEPT
            -A CHECKS -s 192.0.2.0/24 -j DROP
            COMMIT
            """, Tcp("10.0.0.1:40000", "10.0.0.2:80"));

        Assert.Equal(PacketVerdict.Accept, result.Verdict);
        Assert.Equal("filter/FORWARD#1 filter/FORWARD#2", result.Counted());
    }

    [Fact]
    public void Return_in_a_user_chain_resumes_the_caller_after_the_jump()
    {
        var result = Trace("""
            *filter
            :FORWARD DROP [0:0]
            :CHECKS - [0:0]
            -A FORWARD -j CHECKS
            -A FORWARD -j ACCEPT
            -A CHECKS -j RETURN
            -A CHECKS -j DROP
            COMMIT
            """, Tcp("10.0.0.1:40000", "10.0.0.2:80"));

        Assert.Equal(PacketVerdict.Accept, result.Verdict);
        Assert.Equal("filter/FORWARD#1 filter/CHECKS#1 filter/FORWARD#2", result.Counted());
    }

    [Fact]
    public void Return_after_a_goto_from_a_user_chain_resumes_in_the_callers_caller()
    {
        var result = Trace("""
            *filter
            :FORWARD DROP [0:0]
            :OUTER - [0:0]
            :INNER - [0:0]
            -A FORWARD -j OUTER
            -A FORWARD -j ACCEPT
            # -g leaves no return point in OUTER: INNER's RETURN skips OUTER's DROP
            -A OUTER -g INNER
            -A OUTER -j DROP
            -A INNER -j RETURN
            COMMIT
            """, Tcp("10.0.0.1:40000", "10.0.0.2:80"));

        Assert.Equal(PacketVerdict.Accept, result.Verdict);
        Assert.Equal("filter/FORWARD#1 filter/OUTER#1 filter/INNER#1 filter/FORWARD#2", result.Counted());
    }

    [Fact]
    public void Return_after_a_goto_from_a_built_in_chain_applies_the_policy()
    {
        var result = Trace("""
            *filter
            :FORWARD DROP [0:0]
            :INNER - [0:0]
            -A FORWARD -g INNER
            # never reached: INNER's RETURN goes to the policy, not here
            -A FORWARD -j ACCEPT
            -A INNER -j RETURN
            COMMIT
            """, Tcp("10.0.0.1:40000", "10.0.0.2:80"));

        Assert.Equal(PacketVerdict.Drop, result.Verdict);
        Assert.Equal("filter/FORWARD#1 filter/INNER#1", result.Counted());
    }

    [Fact]
    public void Falling_off_a_chain_reached_by_goto_from_a_built_in_chain_applies_the_policy()
    {
        var result = Trace("""
            *filter
            :FORWARD ACCEPT [0:0]
            :INNER - [0:0]
            -A FORWARD -g INNER
            -A FORWARD -j DROP
            COMMIT
            """, Tcp("10.0.0.1:40000", "10.0.0.2:80"));

        Assert.Equal(PacketVerdict.Accept, result.Verdict);
        Assert.Equal("filter/FORWARD#1", result.Counted());
    }

    [Fact]
    public void Return_in_a_built_in_chain_applies_its_policy()
    {
        var result = Trace("""
            *filter
            :FORWARD DROP [0:0]
            -A FORWARD -j RETURN
            -A FORWARD -j ACCEPT
            COMMIT
            """, Tcp("10.0.0.1:40000", "10.0.0.2:80"));

        Assert.Equal(PacketVerdict.Drop, result.Verdict);
        Assert.Equal("filter/FORWARD#1", result.Counted());
    }

    [Fact]
    public void Nested_jumps_unwind_one_level_per_return()
    {
        var result = Trace("""
            *filter
            :FORWARD DROP [0:0]
            :A - [0:0]
            :B - [0:0]
            -A FORWARD -j A
            -A FORWARD -j ACCEPT
            -A A -j B
            -A A -j REJECT --reject-with icmp-host-prohibited
            -A B -j RETURN
            COMMIT
            """, Tcp("10.0.0.1:40000", "10.0.0.2:80"));

        Assert.Equal(PacketVerdict.Reject, result.Verdict);
        Assert.Equal("icmp-host-prohibited", result.Outcomes[0].RejectWith);
        Assert.Equal("filter/FORWARD#1 filter/A#1 filter/B#1 filter/A#2", result.Counted());
    }

    [Fact]
    public void Accept_in_one_table_does_not_spare_the_packet_the_next_table()
    {
        var result = Trace("""
            *mangle
            :FORWARD ACCEPT [0:0]
            -A FORWARD -j ACCEPT
            COMMIT
            *filter
            :FORWARD DROP [0:0]
            COMMIT
            """, Tcp("10.0.0.1:40000", "10.0.0.2:80"));

        Assert.Equal(PacketVerdict.Drop, result.Verdict);
        Assert.Equal("mangle/FORWARD#1", result.Counted());
    }

    [Fact]
    public void A_jump_to_an_undefined_chain_makes_every_verdict_possible()
    {
        // The reader refuses such a dump (so does iptables-restore); a model built in code can still have it.
        var loaded = Dump.Read("""
            *filter
            :FORWARD ACCEPT [0:0]
            :MISSING - [0:0]
            -A FORWARD -j MISSING
            COMMIT
            """);
        var filter = loaded["filter"]!;
        var ruleset = loaded with { Tables = [filter with { Chains = [filter["FORWARD"]!] }] };

        var result = PacketTracer.Trace(ruleset, Tcp("10.0.0.1:40000", "10.0.0.2:80"), PacketPath.Forward);

        Assert.False(result.Certain);
        Assert.Equal([PacketVerdict.Accept, PacketVerdict.Drop, PacketVerdict.Reject], result.PossibleVerdicts.ToArray());
        Assert.Contains(result.Doubts, d => d.Reason.Contains("MISSING"));
    }

    [Fact]
    public void The_same_ruleset_is_compiled_once_and_traced_many_times()
    {
        var ruleset = Dump.Read("""
            *filter
            :INPUT DROP [0:0]
            -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
            COMMIT
            """);

        var ssh = PacketTracer.Trace(ruleset, Tcp("10.0.0.1:40000", "10.0.0.2:22"), PacketPath.Input);
        var web = PacketTracer.Trace(ruleset, Tcp("10.0.0.1:40000", "10.0.0.2:80"), PacketPath.Input);

        Assert.Equal(PacketVerdict.Accept, ssh.Verdict);
        Assert.Equal(PacketVerdict.Drop, web.Verdict);
    }
}
