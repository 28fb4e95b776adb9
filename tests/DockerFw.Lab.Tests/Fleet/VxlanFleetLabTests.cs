using System.Text.Json;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Fleet;

/// <summary>
/// `dockerfw fleet` on the routed setup over a real VXLAN (<see cref="VxlanFleetLab"/>: udp/4789
/// between 192.168.77.1 and .2, each host routing the other's subnet into its <c>vxlan0</c>,
/// containers on MTU 1450), each claim checked by traffic: every container cell against the echo
/// requests that really reached the receiver's docker0 (counted there, after its FORWARD), the
/// tunnel's outer packets against what arrived on the receiver's underlay and what came out of its
/// tunnel, the MTU claim against datagrams with DF set. Each tampering is undone in a finally.
/// </summary>
public sealed class VxlanFleetLabTests(VxlanFleetLab lab) : IClassFixture<VxlanFleetLab>, IDisposable
{
    private const string OuterDrop = "-A INPUT -p udp -m udp --dport 4789 -j DROP";

    private readonly string folder = Path.Combine(Path.GetTempPath(), $"dfw-fleet-vxlan-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    [LabFact]
    public void The_vxlan_setup_is_reachable_both_ways_through_the_tunnel_and_the_traffic_crosses_it()
    {
        var fleet = FleetLabRuns.Fleet(lab, folder);

        Assert.True(fleet.Exit == 0, fleet.Text);
        Assert.Equal(["reachable", "reachable"], fleet.Outcomes("networks"));
        Assert.Equal(["reachable", "reachable"], fleet.Outcomes("containers"));
        var way = fleet.Cell("containers", "a").GetProperty("way");
        Assert.Equal(("tunnel", FleetLab.VxlanDevice, FleetLab.VxlanDevice), (way.GetProperty("kind").GetString(), way.GetProperty("out_device").GetString(), way.GetProperty("peer_in_device").GetString()));
        var outer = way.GetProperty("outer");
        Assert.Equal((FleetLab.UnderA, FleetLab.UnderB, FleetLab.VxlanPort), (outer.GetProperty("source").GetString(), outer.GetProperty("destination").GetString(), outer.GetProperty("port").GetInt32()));
        Assert.All(fleet.Cells("containers"), c => Assert.False(c.GetProperty("masqueraded").GetBoolean()));
        CheckAgainstTraffic(fleet);

        // The echo requests crossed inside the tunnel: udp/4789 arrived on b's underlay, ICMP came out of b's vxlan0.
        var inner = 0;
        var outerPackets = FleetLabRuns.Count(lab.B, "PREROUTING", ["-i", "under0", "-p", "udp", "--dport", "4789"],
            () => inner = FleetLabRuns.Count(lab.B, "PREROUTING", ["-i", FleetLab.VxlanDevice, "-s", lab.WebAddress, "-p", "icmp"], () => FleetLab.Ping(lab.A, "web", lab.DbAddress)));
        Assert.True(outerPackets >= 1 && inner == 1, $"outer {outerPackets}, inner {inner}");
        // No DFW775: the containers' largest packet (1450, DF set) crosses.
        Assert.True(lab.DatagramArrives(FleetLab.VxlanMtu), "1450 bytes with DF did not cross the VXLAN");
    }

    [LabFact]
    public void Udp_4789_dropped_in_bs_input_is_dfw774_a_to_b_is_blocked_by_that_rule_and_nothing_comes_out_of_bs_tunnel()
    {
        lab.B.MustInLab(["iptables", .. OuterDrop.Replace("-A", "-I", StringComparison.Ordinal).Split(' ')]);
        try
        {
            var fleet = FleetLabRuns.Fleet(lab, folder);

            Assert.Equal(1, fleet.Exit);
            // a -> b's outer packets die in b's INPUT, and so do the replies of b -> a's.
            Assert.Equal(["DFW774", "DFW774"], fleet.Codes());
            var cell = fleet.Cell("containers", "a");
            Assert.Equal("blocked", cell.GetProperty("outcome").GetString());
            var part = cell.GetProperty("parts").EnumerateArray().Single();
            var decision = part.GetProperty("decisions").EnumerateArray().Last();
            Assert.Equal(("b", "receiver_input"), (decision.GetProperty("host").GetString(), decision.GetProperty("stage").GetString()));
            Assert.EndsWith(": " + OuterDrop, decision.GetProperty("rule").GetString(), StringComparison.Ordinal);
            Assert.Equal($"b drops the tunnel's outer packets (udp/4789 {FleetLab.UnderA} -> {FleetLab.UnderB})", part.GetProperty("reason").GetString());
            Assert.Equal("blocked", fleet.Cell("containers", "b").GetProperty("outcome").GetString());
            lab.WithBsNeighbourPinned(() => CheckAgainstTraffic(fleet));

            // The outer packets reached b's underlay and died in its INPUT: nothing was decapsulated.
            var inner = 0;
            var outerPackets = FleetLabRuns.Count(lab.B, "PREROUTING", ["-i", "under0", "-p", "udp", "--dport", "4789"],
                () => inner = FleetLabRuns.Count(lab.B, "PREROUTING", ["-i", FleetLab.VxlanDevice], () => FleetLab.Ping(lab.A, "web", lab.DbAddress)));
            Assert.True(outerPackets >= 1 && inner == 0, $"outer {outerPackets}, inner {inner}");
        }
        finally
        {
            lab.B.MustInLab(["iptables", .. OuterDrop.Replace("-A", "-D", StringComparison.Ordinal).Split(' ')]);
        }
    }

    [LabFact]
    public void Without_b_letting_the_tunnel_into_docker0_bs_forward_policy_drop_turns_a_away_dfw773()
    {
        var letIn = lab.LetIn(FleetLab.SubnetA).Split(' ');
        lab.B.MustInLab(["iptables", "-D", "DOCKER-USER", .. letIn]);
        try
        {
            var fleet = FleetLabRuns.Fleet(lab, folder);

            Assert.Equal(["DFW773"], fleet.Codes());
            var cell = fleet.Cell("containers", "a");
            Assert.Equal("blocked", cell.GetProperty("outcome").GetString());
            var decision = cell.GetProperty("parts")[0].GetProperty("decisions").EnumerateArray().Last();
            Assert.Equal(("b", "receiver_forward", "the policy DROP of filter/FORWARD"),
                (decision.GetProperty("host").GetString(), decision.GetProperty("stage").GetString(), decision.GetProperty("rule").GetString()));
            Assert.Equal("reachable", fleet.Cell("containers", "b").GetProperty("outcome").GetString());
            CheckAgainstTraffic(fleet);

            // The inner packets did come out of b's tunnel: b's FORWARD is what turned them away.
            Assert.Equal(1, FleetLabRuns.Count(lab.B, "PREROUTING", ["-i", FleetLab.VxlanDevice, "-s", lab.WebAddress, "-p", "icmp"], () => FleetLab.Ping(lab.A, "web", lab.DbAddress)));
        }
        finally
        {
            lab.B.MustInLab(["iptables", "-I", "DOCKER-USER", .. letIn]);
        }
    }

    [LabFact]
    public void A_tunnel_smaller_than_the_containers_mtu_is_dfw775_and_their_largest_packets_with_df_do_not_cross()
    {
        lab.SetTunnelMtu(1400);
        try
        {
            var fleet = FleetLabRuns.Fleet(lab, folder);

            Assert.Equal(1, fleet.Exit);
            Assert.Equal(["DFW775", "DFW775"], fleet.Codes());
            Assert.All(fleet.Messages("DFW775"), m => Assert.Contains("send packets of up to 1450 bytes but the way to", m, StringComparison.Ordinal));
            Assert.All(fleet.Messages("DFW775"), m => Assert.Contains($"carries 1400: {FleetLab.VxlanDevice} (MTU 1400)", m, StringComparison.Ordinal));
            // What reaches is unchanged (small packets), as fleet says ...
            Assert.Equal(["reachable", "reachable"], fleet.Outcomes("containers"));
            CheckAgainstTraffic(fleet);
            // ... but the containers' largest packets, with DF (as TCP sends them), die at the sender's tunnel.
            Assert.False(lab.DatagramArrives(FleetLab.VxlanMtu), "1450 bytes with DF crossed a tunnel of MTU 1400");
            Assert.True(lab.DatagramArrives(1400), "1400 bytes with DF did not cross a tunnel of MTU 1400");
        }
        finally
        {
            lab.SetTunnelMtu(FleetLab.VxlanMtu);
        }
    }

    private void CheckAgainstTraffic(FleetRun fleet) => FleetLabRuns.CheckAgainstTraffic(lab, fleet);
}
