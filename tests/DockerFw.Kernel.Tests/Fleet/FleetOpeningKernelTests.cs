using DockerFw.Core.Fleet;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Kernel.Tests.Harness;
using DockerFw.Kernel.Tests.Semantics;

namespace DockerFw.Kernel.Tests.Fleet;

/// <summary>
/// Fleet asks about the packet that opens a connection (TCP's SYN, <see cref="LegPackets"/>), and the
/// kernel agrees. The routed hosts of tests/DockerFw.Core.Tests/Fleet/Fixtures/routed (a's docker0
/// 10.103.100.0/24, b's 10.103.200.0/24, each letting the other's containers in from under0), one of
/// them with a flags rule first in its DOCKER-USER, are judged by fleet; then that host's dump is loaded
/// into the router, its bridge and underlay on the router's links and the containers' subnets on the
/// endpoints': as the receiver b, under0 is r1 (a's web, 10.103.100.2, is endpoint a at 10.201.1.2) and
/// docker0 r2 (b's db, 10.103.200.2, is endpoint b at 10.201.2.2); as the sender a, docker0 is r1 and
/// under0 r2. A real SYN from web's stand-in to db's must fare as fleet's container cell a/web -> b/db
/// says of its TCP: every TCP packet reachable, or every one blocked. Over every NEW packet (before)
/// fleet called TCP partly blocked under both rules (a bare ACK, which opens nothing, fares the other way).
/// </summary>
public sealed class FleetOpeningKernelTests(TopologyFixture fixture) : IClassFixture<TopologyFixture>
{
    private const string LetAIn = "-A DOCKER-USER -s 10.103.100.0/24 -i under0 -o docker0 -j ACCEPT";
    private const string LetBIn = "-A DOCKER-USER -s 10.103.200.0/24 -i under0 -o docker0 -j ACCEPT";

    public static TheoryData<string, string, bool> Cases() => new()
    {
        { "b", "", true },
        { "b", "-A DOCKER-USER -p tcp ! --syn -m conntrack --ctstate NEW -j DROP", true },
        { "b", "-A DOCKER-USER -p tcp --syn -j DROP", false },
        { "a", "", true },
        { "a", "-A DOCKER-USER -i docker0 -o under0 -p tcp ! --syn -m conntrack --ctstate NEW -j DROP", true },
        { "a", "-A DOCKER-USER -i docker0 -o under0 -p tcp --syn -j DROP", false },
    };

    [KernelTheory]
    [MemberData(nameof(Cases))]
    public void A_connection_from_a_container_to_a_peers_fares_in_the_kernel_as_fleet_claims(string tampered, string rule, bool opens)
    {
        string Dump(string host) => host == tampered && rule.Length > 0
            ? FleetFixtureHost.Dump("routed", host).Replace(host == "b" ? LetAIn : LetBIn, rule + "\n" + (host == "b" ? LetAIn : LetBIn), StringComparison.Ordinal)
            : FleetFixtureHost.Dump("routed", host);
        var report = FleetAuditor.Run([() => FleetFixtureHost.Read("routed", "a", Dump("a")), () => FleetFixtureHost.Read("routed", "b", Dump("b"))]);
        var cell = report.Containers.Single(c => c.Spec.Sender.Name == "a");
        var tcp = IntervalSet.Single((UInt128)Protocol.Tcp);
        var claims = cell.Parts.Where(p => p.Packets.Boxes.Any(b => b[Dimension.Proto].Overlaps(tcp))).Select(p => p.Outcome).Distinct().ToList();

        var topology = fixture.Topology;
        var (bridge, underlay) = tampered == "b" ? ("r2", "r1") : ("r1", "r2");
        KernelProbe.Load(topology, Dump(tampered)
            .Replace("10.103.100.", "10.201.1.", StringComparison.Ordinal).Replace("10.103.200.", "10.201.2.", StringComparison.Ordinal)
            .Replace("docker0", bridge, StringComparison.Ordinal).Replace("under0", underlay, StringComparison.Ordinal));
        var kernel = KernelProbe.Send(topology, new Probe("tcp", topology["a"], topology["b"].Address, topology.NextSourcePort(), 80));

        Assert.True((kernel.ArrivedAt == "b") == opens, $"{tampered} '{rule}': kernel {kernel}");
        Assert.True(claims.SequenceEqual([opens ? CellOutcome.Reachable : CellOutcome.Blocked]),
            $"{tampered} '{rule}': fleet's TCP {string.Join(", ", claims)}, kernel {kernel}");
    }
}
