using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.IpSets;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Semantics;

/// <summary>
/// <c>-m set</c> judged by the kernel: the router holds ipsets made with the ipset tool, the engines
/// read them back as live mode does (<c>ipset save</c> in the namespace), and every probe's fate
/// agrees: a hash:net with a <c>nomatch</c> entry inside a matching prefix, a hash:ip whose
/// <c>netmask</c> stores networks, a two-direction match on a one-address set (the kernel takes
/// the first direction), and a set of a type the engines do not resolve (hash:net,iface), which stays
/// "may". Sets of tuples are IpSetTupleKernelTests'.
/// </summary>
public sealed class IpSetKernelTests(TopologyFixture fixture) : IClassFixture<TopologyFixture>
{
    private const string Sets = """
        create dfwk-net hash:net family inet
        add dfwk-net 10.201.3.0/24
        add dfwk-net 10.201.3.3 nomatch
        create dfwk-nm hash:ip family inet netmask 24
        add dfwk-nm 10.201.2.77
        create dfwk-pair hash:net,iface family inet
        add dfwk-pair 10.201.2.0/24,r2

        """;

    private static readonly string[] Rules =
    [
        "filter -A FORWARD -p tcp -m set --match-set dfwk-net dst,src -j DROP",
        "filter -A FORWARD -p udp --dport 6000 -m set --match-set dfwk-nm dst -j DROP",
        "filter -A FORWARD -p udp --dport 7000 -m set --match-set dfwk-pair dst,dst -j DROP",
    ];

    [KernelFact]
    public void Every_probe_meets_the_fate_the_sets_read_back_give_it_in_both_engines()
    {
        var topology = fixture.Topology;
        topology.Router.ExecWithInput(Sets, "ipset", "-exist", "restore").EnsureOk();
        var text = RulesetText.Build(Rules);
        KernelProbe.Load(topology, text);
        var ruleset = IptablesSaveReader.Read(text, "ipsets.iptables-save", IpFamily.V4).Value!;
        var listing = IpsetSaveReader.Read(topology.Router.Exec("ipset", "save").EnsureOk().Out, "ipset save");
        Assert.True(listing.Succeeded, string.Join("; ", listing.Diagnostics));
        Assert.Equal(("dfwk-pair", "hash:net,iface"), Assert.Single(listing.Value!.Unread));
        var context = EngineView.ContextOf(topology) with { IpSets = listing.Value.Members };
        var reach = SymbolicEngine.Reach(SymbolicRuleset.Compile(ruleset, [new InterfacePattern("r1")], context),
            new ReachQuery(PacketPath.Forward) { In = new InterfacePattern("r1"), State = ConntrackStates.New });

        var a = topology["a"];
        var probes = new (Probe Probe, bool Passes)[]
        {
            (new Probe("tcp", a, topology["c"].Address, topology.NextSourcePort(), 80), false),
            (new Probe("tcp", a, topology["d"].Address, topology.NextSourcePort(), 80), true),
            (new Probe("tcp", a, topology["e"].Address, topology.NextSourcePort(), 80), false),
            (new Probe("tcp", a, topology["b"].Address, topology.NextSourcePort(), 80), true),
            (new Probe("udp", a, topology["b"].Address, topology.NextSourcePort(), 6000), false),
            (new Probe("udp", a, topology["c"].Address, topology.NextSourcePort(), 6000), true),
        };
        foreach (var (probe, passes) in probes)
        {
            var kernel = KernelProbe.Send(topology, probe);
            var trace = EngineView.Trace(ruleset, topology, probe, context);
            var region = reach.RegionOf(EngineView.PacketOf(topology, probe).Packet)!;
            Assert.True(kernel.Arrived == passes, $"{probe}: the kernel: {kernel}");
            Assert.True(trace.Certain && trace.Verdict == (passes ? PacketVerdict.Accept : PacketVerdict.Drop), $"{probe}: the trace: {EngineView.Describe(trace)}");
            Assert.Equal(passes ? ReachVerdict.Accept : ReachVerdict.Drop, region.Verdict);
        }

        // A type neither engine resolves: the kernel decides (b's net by r2 is in it), the engines say "may".
        var unread = new Probe("udp", a, topology["b"].Address, topology.NextSourcePort(), 7000);
        Assert.False(KernelProbe.Send(topology, unread).Arrived);
        Assert.False(EngineView.Trace(ruleset, topology, unread, context).Certain);
        Assert.Equal(ReachVerdict.Maybe, reach.RegionOf(EngineView.PacketOf(topology, unread).Packet)!.Verdict);
    }
}
