using System.Text.Json;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Fleet;

/// <summary>
/// `dockerfw fleet` on a connection whose replies come back a way the host that routed its requests
/// does not route (<see cref="AsymmetricReplyFleetLab"/>; oracle F46's fleet half, Core
/// FleetAsymmetricReplyTests), each claim checked by real connections between the containers
/// (<see cref="ConnectionProbe"/>) and by the hosts' own counters (a counting rule in the mangle
/// table, added after the capture): which host's iptables saw which packets, and in what conntrack
/// state. Each tampering is undone in a finally.
/// </summary>
public sealed class AsymmetricReplyFleetLabTests(AsymmetricReplyFleetLab lab) : IClassFixture<AsymmetricReplyFleetLab>, IDisposable
{
    private const string InvalidDropRule = "-A FORWARD -m conntrack --ctstate INVALID -j DROP";

    private readonly string folder = Path.Combine(Path.GetTempPath(), $"dfw-fleet-asym-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    [LabFact]
    public void Replies_switched_back_past_as_conntrack_make_its_invalid_drop_kill_tcp_from_a_while_udp_connects()
    {
        lab.WithInvalidDropOnA(() =>
        {
            var fleet = FleetLabRuns.Fleet(lab, folder);

            var cell = fleet.Cell("containers", "a");
            Assert.True(cell.GetProperty("outcome").GetString() == "partial", $"{cell}\n{fleet.Text}");
            Assert.Equal("routed", cell.GetProperty("way").GetProperty("kind").GetString());
            var blocked = Part(cell, "blocked");
            var last = blocked.GetProperty("decisions").EnumerateArray().Last();
            Assert.Equal(("a", "sender_later"), (last.GetProperty("host").GetString(), last.GetProperty("stage").GetString()));
            Assert.EndsWith(InvalidDropRule, last.GetProperty("rule").GetString(), StringComparison.Ordinal);
            Assert.Contains($"past a's conntrack (bridge-nf-call-iptables is 0 on a)", blocked.GetProperty("reason").GetString(), StringComparison.Ordinal);
            Assert.Contains("tcp", blocked.GetProperty("packets").GetString(), StringComparison.Ordinal);
            Assert.Contains("udp", Part(cell, "reachable").GetProperty("packets").GetString(), StringComparison.Ordinal);

            // The kernel: b sent web the SYN,ACK, a's iptables never saw it, and a's FORWARD found web's
            // next packets INVALID (an ACK in the original direction of a SYN_SENT entry) and dropped them.
            var (connected, sentByB, seenByA, invalidOnA) = TcpCounted();
            Assert.False(connected, fleet.Text);
            Assert.True(sentByB >= 1 && seenByA == 0 && invalidOnA >= 1, $"b sent {sentByB} replies, a saw {seenByA}, a found {invalidOnA} INVALID");
            Assert.True(ConnectionProbe.Udp(lab.WebNetns, lab.DbNetns, lab.DbAddress), "udp web -> db was not echoed");
            // ICMP's echo requests stay NEW on a (the reply never seen), which its FORWARD lets out.
            Assert.True(FleetLab.Ping(lab.A, "web", lab.DbAddress), "web's ping to db was not answered");
        });
    }

    [LabFact]
    public void With_br_netfilter_on_a_its_conntrack_sees_the_switched_replies_and_every_connection_is_made_both_ways()
    {
        lab.SetBridgeNfOnA(true);
        try
        {
            lab.WithInvalidDropOnA(() =>
            {
                var fleet = FleetLabRuns.Fleet(lab, folder);

                Assert.True(fleet.Outcomes("containers").All(o => o == "reachable"), fleet.Text);
                Assert.Equal(("routed", "bridged"), (fleet.Cell("containers", "a").GetProperty("way").GetProperty("kind").GetString(),
                    fleet.Cell("containers", "b").GetProperty("way").GetProperty("kind").GetString()));
                FleetLabRuns.CheckAgainstTraffic(lab, fleet);
                var (connected, sentByB, seenByA, invalidOnA) = TcpCounted();
                Assert.True(connected && seenByA >= 1 && invalidOnA == 0, $"connected {connected}, b sent {sentByB} replies, a saw {seenByA}, a found {invalidOnA} INVALID");
                Assert.True(ConnectionProbe.Tcp(lab.DbNetns, lab.WebNetns, lab.WebAddress), "tcp db -> web was not echoed");
                Assert.True(ConnectionProbe.Udp(lab.WebNetns, lab.DbNetns, lab.DbAddress) && ConnectionProbe.Udp(lab.DbNetns, lab.WebNetns, lab.WebAddress), "udp was not echoed");
            });
        }
        finally
        {
            lab.SetBridgeNfOnA(false);
        }
    }

    [LabFact]
    public void A_masquerading_a_gets_its_replies_routed_back_to_its_own_address_and_dfw772s_remedy_says_what_it_would_cost()
    {
        var letIn = lab.LetIn(FleetLab.SubnetA).Split(' ');
        var except = FleetLab.Unmasqueraded(FleetLab.SubnetA, FleetLab.SubnetB).Split(' ');
        lab.A.MustInLab(["iptables", "-t", "nat", "-D", "POSTROUTING", .. except]);
        lab.B.MustInLab(["iptables", "-R", "DOCKER-USER", "1", "-i", lab.PeerDevice, "-o", "docker0", "-j", "ACCEPT"]);
        try
        {
            lab.WithInvalidDropOnA(() =>
            {
                var fleet = FleetLabRuns.Fleet(lab, folder);

                // b answers 192.168.77.1, which it routes over under0: both directions routed, a's conntrack sees both
                // (the replies still come from db's address, to a's).
                var cell = fleet.Cell("containers", "a");
                Assert.True(cell.GetProperty("outcome").GetString() == "reachable" && cell.GetProperty("masqueraded").GetBoolean(), $"{cell}\n{fleet.Text}");
                var (connected, _, seenByA, invalidOnA) = TcpCounted();
                Assert.True(connected && seenByA >= 1 && invalidOnA == 0, $"connected {connected}, a saw {seenByA} replies, found {invalidOnA} INVALID");

                // DFW772's remedy, the exception, sends b's replies to web's own address, bridged past a's conntrack:
                // the finding says to let a see them first, and applied alone it kills TCP through the same drop.
                Assert.Contains(fleet.Messages("DFW772"), m => m.Contains("past a's conntrack (bridge-nf-call-iptables is 0 on a)", StringComparison.Ordinal)
                    && m.EndsWith("let a's conntrack see them first (sysctl net.bridge.bridge-nf-call-iptables=1 on a)", StringComparison.Ordinal));
                lab.A.MustInLab(["iptables", "-t", "nat", "-I", "POSTROUTING", .. except]);
                try
                {
                    var remedied = TcpCounted();
                    Assert.True(!remedied.Connected && remedied.SeenByA == 0 && remedied.InvalidOnA >= 1,
                        $"with the exception: connected {remedied.Connected}, a saw {remedied.SeenByA} replies, found {remedied.InvalidOnA} INVALID");
                }
                finally
                {
                    lab.A.MustInLab(["iptables", "-t", "nat", "-D", "POSTROUTING", .. except]);
                }
            });
        }
        finally
        {
            lab.B.MustInLab(["iptables", "-R", "DOCKER-USER", "1", .. letIn]);
            lab.A.MustInLab(["iptables", "-t", "nat", "-I", "POSTROUTING", .. except]);
        }
    }

    /// <summary>
    /// b -> a: b routes onto its docker0, the requests cross the tunnel port into a's docker0 past a's
    /// conntrack, and a routes the replies over under0. fleet says uncertain: what a does with replies
    /// whose requests it never saw is a connection of their own to a's conntrack, which fleet does not
    /// judge. The kernel shows why it would have to: the same claim holds while a's rules give TCP, UDP
    /// and the replies' source different fates.
    /// </summary>
    [LabFact]
    public void A_receiver_that_sees_only_the_replies_is_uncertain_and_its_rules_decide_each_protocol_differently()
    {
        lab.WithInvalidDropOnA(() =>
        {
            var fleet = FleetLabRuns.Fleet(lab, folder);

            var cell = fleet.Cell("containers", "b");
            Assert.True(cell.GetProperty("outcome").GetString() == "uncertain", $"{cell}\n{fleet.Text}");
            Assert.Equal("bridged", cell.GetProperty("way").GetProperty("kind").GetString());
            Assert.Contains($"a's conntrack sees the replies, routed back by '{FleetLab.SubnetB} via {FleetLab.UnderB} dev under0",
                Part(cell, "uncertain").GetProperty("reason").GetString(), StringComparison.Ordinal);
            Assert.Contains($"but not the requests, switched into its docker0 from the tunnel port {AsymmetricReplyFleetLab.PortDevice} (bridge-nf-call-iptables is 0 on a)",
                Part(cell, "uncertain").GetProperty("reason").GetString(), StringComparison.Ordinal);

            // a's iptables saw none of db's requests; its FORWARD found web's SYN,ACK INVALID (no entry) and dropped it.
            var tcp = true;
            var requestsSeenByA = FleetLabRuns.Count(lab.A, "PREROUTING", ["-s", lab.DbAddress, "-d", lab.WebAddress, "-p", "tcp"], () =>
            {
                var invalid = FleetLabRuns.Count(lab.A, "FORWARD", ["-s", lab.WebAddress, "-d", lab.DbAddress, "-p", "tcp", "-m", "conntrack", "--ctstate", "INVALID"],
                    () => tcp = ConnectionProbe.Tcp(lab.DbNetns, lab.WebNetns, lab.WebAddress));
                Assert.True(invalid >= 1, $"a found {invalid} of web's TCP replies INVALID");
            });
            Assert.False(tcp, "tcp db -> web was echoed through a's INVALID drop");
            Assert.Equal(0, requestsSeenByA);
            // UDP's reply is a NEW datagram to a, which its FORWARD lets out of docker0.
            Assert.True(ConnectionProbe.Udp(lab.DbNetns, lab.WebNetns, lab.WebAddress), "udp db -> web was not echoed");
        });

        // Without the drop TCP connects too (web's SYN,ACK INVALID but let through, its later packets NEW by
        // conntrack's loose pickup) ...
        Assert.True(ConnectionProbe.Tcp(lab.DbNetns, lab.WebNetns, lab.WebAddress), "tcp db -> web was not echoed");
        // ... and were a to masquerade its containers toward b, the replies it takes for new connections leave
        // with a's address: not even UDP connects.
        var except = FleetLab.Unmasqueraded(FleetLab.SubnetA, FleetLab.SubnetB).Split(' ');
        lab.A.MustInLab(["iptables", "-t", "nat", "-D", "POSTROUTING", .. except]);
        try
        {
            Assert.False(ConnectionProbe.Udp(lab.DbNetns, lab.WebNetns, lab.WebAddress), "udp db -> web was echoed through a's MASQUERADE");
        }
        finally
        {
            lab.A.MustInLab(["iptables", "-t", "nat", "-I", "POSTROUTING", .. except]);
        }
    }

    /// <summary>
    /// One TCP connection web -> db, counted: the replies b sends onto its docker0 (its mangle
    /// POSTROUTING), those a's iptables see (its mangle PREROUTING), and web's packets a's FORWARD finds
    /// INVALID (its mangle FORWARD, before filter's drop).
    /// </summary>
    private (bool Connected, int SentByB, int SeenByA, int InvalidOnA) TcpCounted()
    {
        var connected = false;
        int sentByB = 0, invalidOnA = 0;
        var seenByA = FleetLabRuns.Count(lab.A, "PREROUTING", ["-s", lab.DbAddress, "-p", "tcp"], () =>
            invalidOnA = FleetLabRuns.Count(lab.A, "FORWARD", ["-s", lab.WebAddress, "-d", lab.DbAddress, "-p", "tcp", "-m", "conntrack", "--ctstate", "INVALID"], () =>
                sentByB = FleetLabRuns.Count(lab.B, "POSTROUTING", ["-s", lab.DbAddress, "-p", "tcp"], () =>
                    connected = ConnectionProbe.Tcp(lab.WebNetns, lab.DbNetns, lab.DbAddress))));
        return (connected, sentByB, seenByA, invalidOnA);
    }

    private static JsonElement Part(JsonElement cell, string outcome) =>
        cell.GetProperty("parts").EnumerateArray().Single(p => p.GetProperty("outcome").GetString() == outcome);
}
