using DockerFw.Core.Semantics;
using static DockerFw.Tests.Semantics.Packets;
using static DockerFw.Tests.Semantics.TraceText;

namespace DockerFw.Tests.Semantics;

/// <summary>
/// Frames between two ports of one bridge (formats.md §4.1): with br_netfilter on they cross
/// PREROUTING, FORWARD and POSTROUTING with <c>-i</c>/<c>-o</c> the bridge and the ports visible to
/// physdev; with it off iptables never sees them.
/// </summary>
public sealed class BridgeTests
{
    // Docker icc=false on br0, as measured in bridge/br-netfilter.results.txt.
    private const string IccFalse = """
        *filter
        :FORWARD ACCEPT [0:0]
        -A FORWARD -m physdev --physdev-in vA --physdev-out vB --physdev-is-bridged
        -A FORWARD -i br0 -o br0 -j DROP
        COMMIT
        """;

    private static readonly Packet SameBridge =
        Ping("172.18.0.2", "172.18.0.3", "br0", "br0") with { PhysIn = "vA", PhysOut = "vB" };

    [Fact]
    public void With_br_netfilter_on_a_bridged_frame_is_filtered_and_physdev_sees_its_ports()
    {
        var result = Trace(IccFalse, SameBridge, PacketPath.Forward, new EvaluationContext { BridgeNetfilter = true });

        Assert.Equal(PacketVerdict.Drop, result.Verdict);
        Assert.Equal("filter/FORWARD#1 filter/FORWARD#2", result.Counted());
    }

    [Fact]
    public void With_br_netfilter_off_a_bridged_frame_bypasses_every_rule()
    {
        var result = Trace(IccFalse, SameBridge, PacketPath.Forward, new EvaluationContext { BridgeNetfilter = false });

        Assert.Equal(PacketVerdict.Accept, result.Verdict);
        Assert.Empty(result.Matched);
    }

    [Fact]
    public void When_br_netfilter_is_unknown_both_worlds_are_possible_and_the_doubt_names_the_host_not_a_rule()
    {
        var result = Trace(IccFalse, SameBridge);

        Assert.False(result.Certain);
        Assert.Equal([PacketVerdict.Accept, PacketVerdict.Drop], result.PossibleVerdicts.ToArray());
        Assert.Contains(result.Doubts, d => d.Rule is null && d.Reason.Contains("bridge-nf-call-iptables"));
    }

    [Fact]
    public void Before_the_bridge_decides_physdev_out_does_not_hold_negated_or_not()
    {
        var result = Trace("""
            *mangle
            :PREROUTING ACCEPT [0:0]
            -A PREROUTING -m physdev --physdev-out vB
            -A PREROUTING -m physdev ! --physdev-out vB
            -A PREROUTING -m physdev --physdev-is-bridged
            COMMIT
            """, SameBridge, PacketPath.Forward, new EvaluationContext { BridgeNetfilter = true });

        // physdev_mt: no output port, no match, whatever the inversion (pinned by KernelCases).
        Assert.Equal("", result.Counted());
    }

    [Fact]
    public void A_frame_from_a_container_to_the_hosts_bridge_address_reaches_input_with_its_port_visible()
    {
        var toHost = Ping("172.18.0.2", "172.18.0.1", "br0") with { PhysIn = "vA" };

        var result = Trace("""
            *filter
            :INPUT DROP [0:0]
            -A INPUT -m physdev --physdev-is-bridged -j DROP
            -A INPUT -i br0 -m physdev --physdev-in vA -j ACCEPT
            COMMIT
            """, toHost, PacketPath.Input, new EvaluationContext { BridgeNetfilter = true });

        Assert.Equal(PacketVerdict.Accept, result.Verdict);
        Assert.Equal("filter/INPUT#2", result.Counted());
    }
}
