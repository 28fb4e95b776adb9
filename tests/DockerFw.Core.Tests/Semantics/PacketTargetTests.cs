using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using static DockerFw.Tests.Semantics.Packets;
using static DockerFw.Tests.Semantics.TraceText;

namespace DockerFw.Tests.Semantics;

/// <summary>Non-terminating targets: they count, change the packet (or not) and evaluation goes on.</summary>
public sealed class PacketTargetTests
{
    [Fact]
    public void A_mark_set_in_mangle_is_seen_by_filter_and_by_later_rules_of_the_same_chain()
    {
        var result = Trace("""
            *mangle
            :PREROUTING ACCEPT [0:0]
            -A PREROUTING -i eth0 -j MARK --set-xmark 0x4000/0x4000
            -A PREROUTING -m mark --mark 0x4000/0x4000 -j MARK --set-xmark 0x1/0xff
            COMMIT
            *filter
            :FORWARD DROP [0:0]
            -A FORWARD -m mark --mark 0x4001 -j ACCEPT
            COMMIT
            """, Tcp("198.51.100.7:40000", "172.17.0.2:80", "eth0", "docker0"));

        Assert.Equal(PacketVerdict.Accept, result.Verdict);
        Assert.Equal("mangle/PREROUTING#1 mangle/PREROUTING#2 filter/FORWARD#1", result.Counted());
        Assert.Equal(0x4001u, result.Single!.Packet.Mark);
    }

    [Fact]
    public void Connmark_saves_the_packet_mark_and_restores_it_later()
    {
        var result = Trace("""
            *mangle
            :PREROUTING ACCEPT [0:0]
            :FORWARD ACCEPT [0:0]
            -A PREROUTING -j MARK --set-xmark 0x7/0xffffffff
            -A PREROUTING -j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff
            -A PREROUTING -j MARK --set-xmark 0x0/0xffffffff
            -A FORWARD -m connmark --mark 0x7 -j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff
            COMMIT
            """, Tcp("198.51.100.7:40000", "172.17.0.2:80", "eth0", "docker0"));

        Assert.Equal("mangle/PREROUTING#1 mangle/PREROUTING#2 mangle/PREROUTING#3 mangle/FORWARD#1", result.Counted());
        Assert.Equal(0x7u, result.Single!.Packet.Mark);
        Assert.Equal(0x7u, result.Single.Packet.ConnMark);
    }

    [Fact]
    public void Connmark_set_xmark_clears_the_masked_bits_then_flips_the_value()
    {
        var result = Trace("""
            *mangle
            :PREROUTING ACCEPT [0:0]
            -A PREROUTING -j CONNMARK --set-xmark 0x10/0xf0
            COMMIT
            """, Tcp("198.51.100.7:40000", "172.17.0.2:80", "eth0", "docker0") with { ConnMark = 0xff });

        Assert.Equal(0x1fu, result.Single!.Packet.ConnMark);
    }

    [Theory]
    // libxt_CONNMARK's mnemonics, as a hand-written rule says them: --set-xmark 0/~B, B/B and B/0.
    [InlineData("--and-mark 0x0f", 0xf0u, 0x00u)]
    [InlineData("--or-mark 0x0f", 0xf0u, 0xffu)]
    [InlineData("--xor-mark 0x11", 0xf0u, 0xe1u)]
    public void Connmark_and_or_and_xor_change_the_bits_they_name(string options, uint before, uint after)
    {
        var result = Trace($"""
            *mangle
            :PREROUTING ACCEPT [0:0]
            -A PREROUTING -j CONNMARK {options}
            COMMIT
            """, Tcp("198.51.100.7:40000", "172.17.0.2:80", "eth0", "docker0") with { ConnMark = before });

        Assert.Equal(after, result.Single!.Packet.ConnMark);
    }

    [Fact]
    public void A_packet_without_a_connection_never_matches_connmark_even_negated()
    {
        var result = Trace("""
            *filter
            :FORWARD DROP [0:0]
            -A FORWARD -m connmark ! --mark 0x1 -j ACCEPT
            COMMIT
            """, Tcp("198.51.100.7:40000", "172.17.0.2:80", "eth0", "docker0") with { State = ConntrackStates.Untracked });

        Assert.Equal(PacketVerdict.Drop, result.Verdict);
    }

    [Fact]
    public void Log_counts_and_lets_the_packet_go_on_unchanged()
    {
        var result = Trace("""
            *filter
            :FORWARD DROP [0:0]
            -A FORWARD -j LOG --log-prefix "fw: "
            -A FORWARD -j ACCEPT
            COMMIT
            """, Tcp("198.51.100.7:40000", "172.17.0.2:80", "eth0", "docker0"));

        Assert.Equal(PacketVerdict.Accept, result.Verdict);
        Assert.Equal("filter/FORWARD#1 filter/FORWARD#2", result.Counted());
    }

    [Fact]
    public void An_unknown_target_makes_continuing_accepting_and_dropping_possible()
    {
        var result = Trace("""
            *filter
            :FORWARD ACCEPT [0:0]
            -A FORWARD -j DELUDE --option x
            -A FORWARD -p tcp -j REJECT --reject-with tcp-reset
            COMMIT
            """, Tcp("198.51.100.7:40000", "172.17.0.2:80", "eth0", "docker0"));

        Assert.False(result.Certain);
        Assert.Equal([PacketVerdict.Accept, PacketVerdict.Drop, PacketVerdict.Reject], result.PossibleVerdicts.ToArray());
        Assert.All(result.Outcomes, o => Assert.Contains(o.Doubts, d => d.Reason.Contains("DELUDE")));
    }

    [Fact]
    public void Nfqueue_hands_the_decision_to_user_space()
    {
        var result = Trace("""
            *filter
            :FORWARD ACCEPT [0:0]
            -A FORWARD -j NFQUEUE --queue-num 1
            COMMIT
            """, Tcp("198.51.100.7:40000", "172.17.0.2:80", "eth0", "docker0"));

        Assert.Equal([PacketVerdict.Accept, PacketVerdict.Drop], result.PossibleVerdicts.ToArray());
    }
}
