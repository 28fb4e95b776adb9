using System.Net;
using DockerFw.Core.Audit;
using DockerFw.Core.Fleet;
using DockerFw.Kernel.Tests.Harness;
using DockerFw.Kernel.Tests.Semantics;

namespace DockerFw.Kernel.Tests.Fleet;

/// <summary>
/// Fleet's claims about Weave Net's peer ports (<see cref="WeaveAcross"/>), judged by the kernel: the
/// hosts of tests/DockerFw.Core.Tests/Fleet/Fixtures/weave (the routed setup, each host with Weave 2.x's
/// rules as net/bridge.go and net/expose.go write them), one tampered with, judged by fleet; then the
/// judged host's dump is loaded into the router with its underlay moved onto r1 (its own address onto
/// the router's 10.201.1.1, the peer's onto endpoint a's 10.201.1.2), and one real packet is sent to
/// each Weave port: from a into the router for the receiver's INPUT, from the router to a for the
/// sender's OUTPUT. Each packet's fate (delivered or not) must be the one fleet claims for its port.
/// </summary>
public sealed class WeavePeerKernelTests(TopologyFixture fixture) : IClassFixture<TopologyFixture>
{
    public static TheoryData<string, string, bool> Cases() => new()
    {
        // As weave writes its rules: its INPUT drops name docker0 and docker0's address, not the underlay.
        { "b", "", false },
        { "b", "-A INPUT -p udp -m udp --dport 6784 -j DROP", true },
        { "b", "-A INPUT -s 192.168.77.1/32 -i under0 -p tcp -m tcp --dport 6783 -j REJECT --reject-with icmp-port-unreachable", true },
        { "b", "-A INPUT -p udp -m multiport --dports 6783:6784 -j DROP", true },
        // The control port is a TCP connection: asked about its SYN (LegPackets), which these decide.
        { "b", "-A INPUT -p tcp ! --syn -m conntrack --ctstate NEW -j DROP", false },
        { "b", "-A INPUT -p tcp --syn -j DROP", true },
        { "a", "", false },
        { "a", "-A OUTPUT -d 192.168.77.2/32 -p tcp -m tcp --dport 6783 -j REJECT --reject-with icmp-port-unreachable", true },
        { "a", "-A OUTPUT -o under0 -p udp -m udp --dport 6783 -j DROP", true },
        { "a", "-A OUTPUT -p tcp ! --syn -m conntrack --ctstate NEW -j DROP", false },
        { "a", "-A OUTPUT -p tcp --syn -j DROP", true },
    };

    [KernelTheory]
    [MemberData(nameof(Cases))]
    public void Each_weave_port_between_the_hosts_fares_in_the_kernel_as_fleet_claims(string tampered, string rule, bool blocks)
    {
        var report = FleetAuditor.Run([() => Host("a", tampered == "a" ? rule : ""), () => Host("b", tampered == "b" ? rule : "")]);
        var topology = fixture.Topology;
        // The judged host is the router; its peer is endpoint a, on r1 (under0's place).
        var (own, peer) = tampered == "b" ? ("192.168.77.2", "192.168.77.1") : ("192.168.77.1", "192.168.77.2");
        var text = Dump(tampered, rule).Replace(own, "10.201.1.1", StringComparison.Ordinal).Replace(peer, "10.201.1.2", StringComparison.Ordinal)
            .Replace("under0", "r1", StringComparison.Ordinal);
        KernelProbe.Load(topology, text);

        foreach (var cell in report.Weave.Where(c => c.Sender.Name == "a"))
        {
            var protocol = cell.Port.ProtocolName;
            var (probe, endpoint) = tampered == "b"
                ? (new Probe(protocol, topology["a"], IPAddress.Parse("10.201.1.1"), topology.NextSourcePort(), cell.Port.Port), ProbeOutcome.Router)
                : (new Probe(protocol, null, topology["a"].Address, topology.NextSourcePort(), cell.Port.Port), "a");
            var kernel = KernelProbe.Send(topology, probe);
            var claim = cell.Outcome == CellOutcome.Reachable;
            Assert.True(claim == (kernel.ArrivedAt == endpoint), $"{tampered} '{rule}': {cell.Port.Display}: fleet {cell.Outcome}, kernel {kernel}");
        }

        Assert.Equal(blocks, report.Findings.Any(f => f.Code == FleetCodes.WeavePortBlocked));
    }

    private static string Dump(string host, string rule) => FleetFixtureHost.WithFilterRule(FleetFixtureHost.Dump("weave", host), rule);

    private static FleetHost Host(string name, string rule) => FleetFixtureHost.Read("weave", name, Dump(name, rule));
}
