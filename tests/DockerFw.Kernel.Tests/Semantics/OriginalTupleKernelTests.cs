using System.Net;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Semantics;

/// <summary>
/// What dockerfw's published-port rules rest on, judged by the kernel: in FORWARD, after DNAT, a NEW
/// connection's original destination port (<c>--ctorigdstport</c>) is the port it arrived on, which
/// the symbolic engine takes from the packet as it arrived.
/// </summary>
public sealed class OriginalTupleKernelTests(TopologyFixture fixture) : IClassFixture<TopologyFixture>
{
    [KernelFact]
    public void A_new_connection_is_judged_by_the_port_it_arrived_on_before_dnat_as_the_symbolic_engine_says()
    {
        var topology = fixture.Topology;
        var (a, b) = (topology["a"], topology["b"]);
        var text = RulesetText.Build(
        [
            "nat -A PREROUTING -d 10.201.2.1 -p tcp --dport 8080 -j DNAT --to-destination 10.201.2.2:80",
            "filter -A FORWARD -p tcp -m conntrack --ctstate NEW --ctorigdstport 8080 -m tcp --dport 80 -j DROP",
        ]);
        KernelProbe.Load(topology, text);
        var ruleset = IptablesSaveReader.Read(text, "ctorig.iptables-save", IpFamily.V4).Value!;
        var query = new ReachQuery(PacketPath.Forward)
        {
            In = new InterfacePattern(a.RouterInterface),
            Out = new InterfacePattern(b.RouterInterface),
            State = ConntrackStates.New,
        };
        var reach = SymbolicEngine.Reach(SymbolicRuleset.Compile(ruleset, query.Interfaces), query);

        var verdicts = new List<ReachVerdict>();
        foreach (var (to, port) in new[] { ("10.201.2.1", 8080), ("10.201.2.2", 80) })
        {
            var probe = new Probe("tcp", a, IPAddress.Parse(to), topology.NextSourcePort(), port);
            var packet = new Packet(IpFamily.V4, EngineView.ValueOf(a.Address), EngineView.ValueOf(probe.To), Protocol.Tcp,
                SourcePort: probe.SourcePort, DestinationPort: port, InInterface: a.RouterInterface, OutInterface: b.RouterInterface);
            var region = reach.RegionOf(packet)!;
            var kernel = KernelProbe.Send(topology, probe);

            Assert.True((region.Verdict == ReachVerdict.Accept) == kernel.Arrived, $"{probe}: symbolic {region.Verdict}, kernel {kernel}");
            verdicts.Add(region.Verdict);
        }

        Assert.Equal([ReachVerdict.Drop, ReachVerdict.Accept], verdicts);
    }
}
