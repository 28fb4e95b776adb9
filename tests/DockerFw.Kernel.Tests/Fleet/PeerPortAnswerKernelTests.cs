using DockerFw.Core.Fleet;
using DockerFw.Kernel.Tests.Harness;
using DockerFw.Kernel.Tests.Semantics;

namespace DockerFw.Kernel.Tests.Fleet;

/// <summary>
/// A TCP peer port (swarm's 2377 and 7946, Weave's 6783) is open between two hosts only when its
/// answers come back: out of the receiver's OUTPUT from the port, into the sender's INPUT to the
/// sender's ephemeral port (<see cref="PeerPorts"/>, oracle F37), and the kernel agrees. The hosts of
/// tests/DockerFw.Core.Tests/Fleet/Fixtures/swarm and weave, one tampered with, are judged by fleet;
/// the tampered host's dump is then loaded into the router with its underlay moved onto r1 (its own
/// address onto the router's 10.201.1.1, the peer's onto endpoint a's 10.201.1.2), and a real
/// connection carrying data is made between them: from endpoint a to a listener on the router when
/// the router is the receiver, from the router (an ephemeral source port, as a daemon's connect() gets)
/// to a listener on endpoint a when it is the sender. Data must cross exactly when fleet calls the port
/// reachable. The opening packets alone (WeavePeerKernelTests) pass in every case here.
/// </summary>
public sealed class PeerPortAnswerKernelTests(TopologyFixture fixture) : IClassFixture<TopologyFixture>
{
    /// <summary>Scenario, sender, receiver, port, the tampered host and its rule (added last to its filter table), and whether data crosses.</summary>
    public static TheoryData<string, string, string, int, string, string, bool> Cases() => new()
    {
        { "swarm", "a", "b", 7946, "b", "", true },
        // The receiver's OUTPUT drops its answers from the gossip port: the SYN gets in, nothing comes back.
        { "swarm", "a", "b", 7946, "b", "-A OUTPUT -p tcp -m tcp --sport 7946 -j DROP", false },
        // Only NEW packets from the port: the answers are ESTABLISHED.
        { "swarm", "a", "b", 7946, "b", "-A OUTPUT -p tcp -m tcp --sport 7946 -m conntrack --ctstate NEW -j DROP", true },
        // The sender's INPUT drops what the peer's port sends: the answers.
        { "swarm", "a", "b", 7946, "a", "-A INPUT -s 192.168.77.2/32 -p tcp -m tcp --sport 7946 -j DROP", false },
        // Only answers to privileged ports: a daemon's connect() gets an ephemeral one (32768-60999).
        { "swarm", "a", "b", 7946, "a", "-A INPUT -p tcp -m tcp --sport 7946 --dport 1:1023 -j DROP", true },
        { "swarm", "b", "a", 2377, "a", "", true },
        // The manager's OUTPUT drops the answers of its control port to the worker.
        { "swarm", "b", "a", 2377, "a", "-A OUTPUT -d 192.168.77.2/32 -p tcp -m tcp --sport 2377 -j DROP", false },
        { "swarm", "b", "a", 2377, "b", "-A INPUT -p tcp -m tcp --sport 2377 -j REJECT --reject-with tcp-reset", false },
        { "weave", "a", "b", 6783, "b", "-A OUTPUT -o under0 -p tcp -m tcp --sport 6783 -j DROP", false },
        { "weave", "a", "b", 6783, "a", "-A INPUT -i under0 -p tcp -m tcp --sport 6783 -m conntrack --ctstate ESTABLISHED -j DROP", false },
        { "weave", "a", "b", 6783, "a", "-A INPUT -i under0 -p tcp -m tcp --sport 6783 -m conntrack --ctstate NEW -j DROP", true },
    };

    [KernelTheory]
    [MemberData(nameof(Cases))]
    public void A_tcp_peer_port_carries_data_in_the_kernel_exactly_when_fleet_calls_it_reachable(
        string scenario, string sender, string receiver, int port, string tampered, string rule, bool carries)
    {
        string Dump(string host) => FleetFixtureHost.WithFilterRule(FleetFixtureHost.Dump(scenario, host), host == tampered ? rule : "");
        var report = FleetAuditor.Run([() => FleetFixtureHost.Read(scenario, "a", Dump("a")), () => FleetFixtureHost.Read(scenario, "b", Dump("b"))]);
        var cell = Assert.Single((scenario == "swarm" ? report.Swarm : report.Weave)
            .Where(c => c.Sender.Name == sender && c.Receiver.Name == receiver && c.Port is { Port: var p, ProtocolName: "tcp" } && p == port));

        var topology = fixture.Topology;
        var (own, peer) = tampered == "b" ? ("192.168.77.2", "192.168.77.1") : ("192.168.77.1", "192.168.77.2");
        KernelProbe.Load(topology, Dump(tampered).Replace(own, "10.201.1.1", StringComparison.Ordinal).Replace(peer, "10.201.1.2", StringComparison.Ordinal)
            .Replace("under0", "r1", StringComparison.Ordinal));
        // The harness's endpoints are sinks (a raw DROP of all they receive); this one is a host that answers.
        var other = topology["a"];
        other.Netns.Exec("iptables", "-t", "raw", "-F", "PREROUTING").EnsureOk();
        var (listening, connecting, to) = tampered == receiver ? (topology.Router, other.Netns, "10.201.1.1") : (other.Netns, topology.Router, "10.201.1.2");
        // The harness cuts the router's own traffic off (its probes leave from 10.201.9.1); here it is
        // a host that answers its peer and connects to it, for this case only.
        topology.Router.Exec("ip", "rule", "add", "iif", "lo", "to", "10.201.1.2", "lookup", "main", "pref", "60").EnsureOk();
        string received;
        try
        {
            using var listener = DockerFw.Tests.Processes.Start("ip", ["netns", "exec", listening.Name, "timeout", "4", "nc", "-l", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            Thread.Sleep(300);
            connecting.ExecBounded(TimeSpan.FromSeconds(5), "sh", "-c", $"printf hello | timeout 3 nc -N -w2 {to} {port}");
            listener.WaitForExit();
            received = listener.StandardOutput.ReadToEnd();
        }
        finally
        {
            topology.Router.Exec("ip", "rule", "del", "pref", "60").EnsureOk();
        }

        Assert.True((received == "hello") == carries, $"{scenario} {tampered} '{rule}': the listener received '{received}'");
        Assert.True(cell.Outcome == (carries ? CellOutcome.Reachable : CellOutcome.Blocked),
            $"{scenario} {tampered} '{rule}': fleet's {sender} -> {receiver} {cell.Port.Display} {cell.Outcome} ({cell.Reason}), the listener received '{received}'");
        // What stops it is the answers, never the opening packets.
        if (!carries) Assert.Contains("drops their answers", cell.Reason, StringComparison.Ordinal);
    }
}
