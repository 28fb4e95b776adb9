using DockerFw.Core.Fleet;
using static DockerFw.Core.Tests.Fleet.FleetFixture;

namespace DockerFw.Core.Tests.Fleet;

/// <summary>
/// Weave Net's peers across hosts (Fixtures/weave: the routed setup, a at 192.168.77.1 and b at .2 on
/// under0, each running Weave's router with its rules as net/bridge.go and net/expose.go write them):
/// each host's Weave ports (6783/tcp, 6783/udp, 6784/udp) as the other opens them, through the sender's
/// OUTPUT and the receiver's INPUT, and DFW782 naming the host and rule that drop one.
/// </summary>
public sealed class WeaveAcrossTests
{
    private static string[] Lines(FleetReport report) =>
        [.. report.Weave.Select(c => $"{c.Sender.Name} -> {c.Receiver.Name} {c.Port.Display} {c.Addresses}: {c.Outcome}")];

    [Fact]
    public void As_weave_writes_its_rules_every_peer_port_is_open_both_ways_its_own_input_drops_keep_only_docker0_off()
    {
        var report = Run("weave");

        Assert.Equal(
        [
            "a -> b tcp/6783 192.168.77.1 -> 192.168.77.2: Reachable",
            "a -> b udp/6783 192.168.77.1 -> 192.168.77.2: Reachable",
            "a -> b udp/6784 192.168.77.1 -> 192.168.77.2: Reachable",
            "b -> a tcp/6783 192.168.77.2 -> 192.168.77.1: Reachable",
            "b -> a udp/6783 192.168.77.2 -> 192.168.77.1: Reachable",
            "b -> a udp/6784 192.168.77.2 -> 192.168.77.1: Reachable",
        ], Lines(report));
        // Weave's INPUT drops of its ports name docker0 and its address: the peer's packets from under0 pass them.
        Assert.All(report.Weave, c => Assert.Equal(["the policy ACCEPT of filter/OUTPUT", "the policy ACCEPT of filter/INPUT"], c.Decisions.Select(d => d.Rule)));
        Assert.DoesNotContain("DFW782", Codes(report));
    }

    [Fact]
    public void Fastdp_dropped_in_bs_input_blocks_only_that_port_into_b_and_names_the_rule()
    {
        const string drop = "-A INPUT -p udp -m udp --dport 6784 -j DROP";
        var report = Run("weave", With("b", "filter", drop));

        var blocked = Assert.Single(report.Weave, c => c.Outcome != CellOutcome.Reachable);
        Assert.Equal("a -> b udp/6784 192.168.77.1 -> 192.168.77.2: Blocked", Lines(report)[report.Weave.IndexOf(blocked)]);
        var decision = blocked.Decisions[^1];
        Assert.Equal(("b", LegStage.ReceiverInput), (decision.Host, decision.Stage));
        // After weave's five INPUT rules.
        Assert.StartsWith("filter/INPUT#6 ", decision.Rule, StringComparison.Ordinal);
        var finding = Assert.Single(report.Findings, f => f.Code == FleetCodes.WeavePortBlocked);
        Assert.Equal($"Weave peer a cannot reach b on udp/6784 (Weave data, fastdp (VXLAN)): 192.168.77.1 -> 192.168.77.2 is dropped in b's INPUT (decided by {decision.Rule}); accept it on b, e.g. iptables -I INPUT -s 192.168.77.1 -p udp --dport 6784 -j ACCEPT", finding.Message);
        Assert.Equal(decision, Assert.Single(finding.Evidence));
    }

    [Fact]
    public void The_control_port_dropped_in_as_output_to_b_blocks_a_to_b_in_as_output_and_b_to_a_stays_open()
    {
        const string drop = "-A OUTPUT -d 192.168.77.2/32 -p tcp -m tcp --dport 6783 -j REJECT --reject-with icmp-port-unreachable";
        var report = Run("weave", With("a", "filter", drop));

        var blocked = Assert.Single(report.Weave, c => c.Outcome != CellOutcome.Reachable);
        Assert.Equal(("a", "b", "tcp/6783"), (blocked.Sender.Name, blocked.Receiver.Name, blocked.Port.Display));
        Assert.Equal(("a", LegStage.SenderOutput), (blocked.Decisions.Single().Host, blocked.Decisions.Single().Stage));
        Assert.Contains("is dropped in a's OUTPUT", Assert.Single(report.Findings, f => f.Code == FleetCodes.WeavePortBlocked).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hosts_without_weave_have_no_weave_ports_judged()
    {
        Assert.Empty(Run("routed").Weave);
        // One Weave host is no pair.
        Assert.Empty(FleetAuditor.Run([() => FleetFixture.Host("weave", "a"), () => FleetFixture.Host("routed", "b")]).Weave);
    }
}
