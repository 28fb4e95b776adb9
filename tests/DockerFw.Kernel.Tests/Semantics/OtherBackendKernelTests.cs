using System.Net;
using DockerFw.Core.Host;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Semantics;

/// <summary>
/// Both iptables back ends loaded into one router (oracle F7): iptables-nft-restore and
/// iptables-legacy-restore each register their own hooks, and the kernel runs both, so a packet is
/// forwarded only when both let it through, and a DNAT in either one's nat table takes it. The engines
/// judge the ruleset of both (<see cref="OtherBackendTables"/>), by trace and by reach, and the kernel agrees.
/// </summary>
public sealed class OtherBackendKernelTests(TopologyFixture fixture) : IClassFixture<TopologyFixture>
{
    // Docker's side (iptables-nft): everything forwarded but ssh.
    private static readonly string Nft = RulesetText.Build(
    [
        "filter -A FORWARD -p tcp -m tcp --dport 22 -j DROP",
    ]);

    // Another tool's (iptables-legacy): FORWARD DROP but DNS to b and the port it publishes itself.
    private static readonly string Legacy = RulesetText.Build(
    [
        "nat -A PREROUTING -d 10.201.2.1/32 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.201.2.2:80",
        "filter -P FORWARD DROP",
        "filter -A FORWARD -d 10.201.2.2/32 -p udp -m udp --dport 53 -j ACCEPT",
        "filter -A FORWARD -d 10.201.2.2/32 -p tcp -m tcp --dport 80 -m conntrack --ctstate DNAT -j ACCEPT",
    ]);

    [KernelTheory]
    [InlineData("tcp a->b:80", false)]
    [InlineData("udp a->b:53", true)]
    [InlineData("tcp a->b:22", false)]
    [InlineData("tcp a->10.201.2.1:8080", true)]
    [InlineData("icmp c->d", false)]
    [InlineData("udp c->d:53", false)]
    public void A_packet_passes_only_when_both_back_ends_let_it_through_and_the_engines_say_so(string spec, bool arrives)
    {
        var topology = fixture.Topology;
        var ruleset = OtherBackendTables.Merge(Read(Nft, "nft.iptables-save"), Read(Legacy, "legacy.iptables-save"));
        try
        {
            KernelProbe.Load(topology, Nft);
            var legacy = topology.Router.ExecWithInput(Legacy, "iptables-legacy-restore");
            Assert.True(legacy.Ok, legacy.Error);
            var probe = ProbeSpec.Parse(topology, spec);

            var kernel = KernelProbe.Send(topology, probe);
            var trace = EngineView.Trace(ruleset, topology, probe);
            var region = Region(ruleset, topology, probe);

            Assert.True(kernel.Arrived == arrives, $"{probe}: kernel {kernel}");
            Assert.True(trace.Verdict == (arrives ? PacketVerdict.Accept : PacketVerdict.Drop), $"{probe}: trace {EngineView.Describe(trace)}");
            Assert.Equal(arrives ? ReachVerdict.Accept : ReachVerdict.Drop, region?.Verdict);
        }
        finally
        {
            topology.Router.ExecWithInput(Empty, "iptables-legacy-restore").EnsureOk();
        }
    }

    [KernelFact]
    public void Judged_on_the_nft_side_alone_the_same_packets_would_pass()
    {
        var topology = fixture.Topology;
        var nft = Read(Nft, "nft.iptables-save");

        Assert.Equal(ReachVerdict.Accept, Region(nft, topology, ProbeSpec.Parse(topology, "tcp a->b:80"))?.Verdict);
        Assert.Equal(ReachVerdict.Accept, Region(nft, topology, ProbeSpec.Parse(topology, "icmp c->d"))?.Verdict);
    }

    private static ReachRegion? Region(Ruleset ruleset, Topology topology, Probe probe)
    {
        var (packet, path) = EngineView.PacketOf(topology, probe);
        // To the router's own address only the published port is asked: its DNAT sends it out by r2.
        if (path == PacketPath.Input) (packet, path) = (packet with { OutInterface = "r2" }, PacketPath.Forward);
        var local = IntervalSet.FromValues(topology.RouterAddresses.Select(a => EngineView.ValueOf(a.Address)));
        var query = new ReachQuery(path)
        {
            In = new InterfacePattern(packet.InInterface!),
            Out = packet.OutInterface is null ? null : new InterfacePattern(packet.OutInterface),
            Source = AddressMask.Host(IpFamily.V4, packet.Source),
            State = ConntrackStates.New,
        };
        var rules = SymbolicRuleset.Compile(ruleset, [.. query.Interfaces, new InterfacePattern("r2")], local);
        return SymbolicEngine.Reach(rules, query).RegionOf(packet);
    }

    private static Ruleset Read(string text, string name) => IptablesSaveReader.Read(text, name, IpFamily.V4).Value!;

    private const string Empty = """
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        COMMIT
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        COMMIT

        """;
}
