using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Fleet;

/// <summary>
/// `dockerfw fleet` on two docker0 bridged into one segment by a VXLAN port of each
/// (<see cref="BridgedVxlanFleetLab"/>; the gretap bridged into docker0, with VXLAN since the
/// kernel has no GRE): both on 10.103.0.0/16, no route between the hosts, no admin rule, Docker's own
/// icc ACCEPT taking the bridged frames (br_netfilter). fleet must follow the frames across the
/// bridge's tunnel port rather than call the shared subnet an overlap, and each claim is checked by
/// traffic as in <see cref="VxlanFleetLabTests"/>. Each tampering is undone in a finally.
/// </summary>
public sealed class BridgedVxlanFleetLabTests(BridgedVxlanFleetLab lab) : IClassFixture<BridgedVxlanFleetLab>, IDisposable
{
    private const string OuterDrop = "-A INPUT -p udp -m udp --dport 4789 -j DROP";

    private readonly string folder = Path.Combine(Path.GetTempPath(), $"dfw-fleet-bridged-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    [LabFact]
    public void Bridged_docker0s_share_their_subnet_without_an_overlap_and_their_containers_reach_each_other_through_the_tunnel()
    {
        var fleet = FleetLabRuns.Fleet(lab, folder);

        Assert.True(fleet.Exit == 0, fleet.Text);
        Assert.Equal(["reachable", "reachable"], fleet.Outcomes("containers"));
        var way = fleet.Cell("containers", "a").GetProperty("way");
        Assert.Equal(("bridged", "docker0", "docker0"), (way.GetProperty("kind").GetString(), way.GetProperty("out_device").GetString(), way.GetProperty("peer_in_device").GetString()));
        Assert.Equal(FleetLab.VxlanPort, way.GetProperty("outer").GetProperty("port").GetInt32());
        Assert.All(fleet.Cells("containers"), c => Assert.False(c.GetProperty("masqueraded").GetBoolean()));
        FleetLabRuns.CheckAgainstTraffic(lab, fleet);

        // The requests were bridged, not routed: out of b's vxlan0 port into docker0, the container's source kept.
        Assert.Equal(1, FleetLabRuns.Count(lab.B, "PREROUTING", ["-i", "docker0", "-m", "physdev", "--physdev-in", FleetLab.VxlanDevice, "-s", lab.WebAddress, "-p", "icmp"],
            () => FleetLab.Ping(lab.A, "web", lab.DbAddress)));
    }

    [LabFact]
    public void Udp_4789_dropped_in_bs_input_is_dfw774_and_nothing_is_bridged_into_bs_docker0()
    {
        lab.B.MustInLab(["iptables", .. OuterDrop.Replace("-A", "-I", StringComparison.Ordinal).Split(' ')]);
        try
        {
            var fleet = FleetLabRuns.Fleet(lab, folder);

            Assert.Equal(1, fleet.Exit);
            Assert.Contains("DFW774", fleet.Codes());
            var decision = fleet.Cell("containers", "a").GetProperty("parts")[0].GetProperty("decisions").EnumerateArray().Last();
            Assert.Equal(("b", "receiver_input"), (decision.GetProperty("host").GetString(), decision.GetProperty("stage").GetString()));
            // b's echo requests are bridged out to a, but a's replies come back as VXLAN into b's INPUT.
            Assert.Equal(["blocked", "blocked"], fleet.Outcomes("containers"));
            var back = fleet.Cell("containers", "b").GetProperty("parts")[0].GetProperty("decisions").EnumerateArray().Last();
            Assert.Equal(("b", "sender_reply_input"), (back.GetProperty("host").GetString(), back.GetProperty("stage").GetString()));
            lab.WithBsNeighbourPinned(() => FleetLabRuns.CheckAgainstTraffic(lab, fleet));
        }
        finally
        {
            lab.B.MustInLab(["iptables", .. OuterDrop.Replace("-A", "-D", StringComparison.Ordinal).Split(' ')]);
        }
    }

    [LabFact]
    public void B_dropping_as_containers_on_its_bridge_is_dfw773_both_ways_named_by_that_rule()
    {
        string[] drop = ["-i", "docker0", "-o", "docker0", "-s", FleetLab.SubnetA, "-j", "DROP"];
        lab.B.MustInLab(["iptables", "-I", "DOCKER-USER", .. drop]);
        try
        {
            var fleet = FleetLabRuns.Fleet(lab, folder);

            // Two DFW773: a -> b by that rule; b -> a by the same rule on the replies. Each network cell holds its sender's
            // --fixed-cidr (10.103.100.0/24 on a, .200.0/24 on b), not the whole shared 10.103.0.0/16, so b's own requests
            // pass the rule against a's range, and a's replies from it do not.
            Assert.Equal(["DFW773", "DFW773"], fleet.Codes());
            Assert.Equal(["blocked", "blocked"], fleet.Outcomes("networks"));
            Assert.Contains(fleet.Messages("DFW773"), m => m.Contains("b drops the replies of every protocol, so no connection is made", StringComparison.Ordinal));
            Assert.Equal("a/bridge (10.103.100.0/24 of 10.103.0.0/16)", fleet.Cell("networks", "a").GetProperty("from").GetString());
            var decision = fleet.Cell("containers", "a").GetProperty("parts")[0].GetProperty("decisions").EnumerateArray().Last();
            Assert.Equal(("b", "receiver_forward"), (decision.GetProperty("host").GetString(), decision.GetProperty("stage").GetString()));
            Assert.EndsWith(": -A DOCKER-USER -s 10.103.100.0/24 -i docker0 -o docker0 -j DROP", decision.GetProperty("rule").GetString(), StringComparison.Ordinal);
            Assert.Equal(["blocked", "blocked"], fleet.Outcomes("containers"));
            FleetLabRuns.CheckAgainstTraffic(lab, fleet);
        }
        finally
        {
            lab.B.MustInLab(["iptables", "-D", "DOCKER-USER", .. drop]);
        }
    }

    [LabFact]
    public void A_tunnel_port_smaller_than_the_containers_mtu_is_dfw775_and_the_bridge_drops_their_largest_frames()
    {
        lab.SetTunnelMtu(1400);
        try
        {
            var fleet = FleetLabRuns.Fleet(lab, folder);

            Assert.Equal(1, fleet.Exit);
            Assert.Equal(["DFW775", "DFW775"], fleet.Codes());
            Assert.All(fleet.Messages("DFW775"), m => Assert.Contains("send packets of up to 1450 bytes but the way to", m, StringComparison.Ordinal));
            Assert.All(fleet.Messages("DFW775"), m => Assert.Contains($"carries 1400: {FleetLab.VxlanDevice} (MTU 1400)", m, StringComparison.Ordinal));
            // What reaches is unchanged (small frames), as fleet says ...
            Assert.Equal(["reachable", "reachable"], fleet.Outcomes("containers"));
            FleetLabRuns.CheckAgainstTraffic(lab, fleet);
            // ... but a bridge does not fragment: the containers' largest packets die at the sender's tunnel port, DF or not.
            Assert.False(lab.DatagramArrives(FleetLab.VxlanMtu), "1450 bytes crossed a bridge port of MTU 1400");
            Assert.True(lab.DatagramArrives(1400), "1400 bytes did not cross a bridge port of MTU 1400");
        }
        finally
        {
            lab.SetTunnelMtu(FleetLab.VxlanMtu);
        }
    }
}
