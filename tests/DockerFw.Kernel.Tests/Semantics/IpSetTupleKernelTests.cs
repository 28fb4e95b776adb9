using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.IpSets;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Semantics;

/// <summary>
/// Sets whose members are tuples judged by the kernel: the router holds hash:ip,port, hash:net,port,
/// hash:ip,port,ip and hash:ip,port,net sets made with the ipset tool, the engines read them back as
/// live mode does (<c>ipset save</c> in the namespace), and every probe's fate agrees with what the
/// packet did: a match reads one direction per part, the most specific net decides (a nomatch /31
/// inside a /24, a /32 inside the /31), <c>--return-nomatch</c> matches where a nomatch element
/// decides, a match with fewer directions than parts never holds, <c>--update-counters</c> changes nothing.
/// </summary>
public sealed class IpSetTupleKernelTests(TopologyFixture fixture) : IClassFixture<TopologyFixture>
{
    private const string Sets = """
        create dfwk-ipp hash:ip,port family inet
        add dfwk-ipp 10.201.1.2,tcp:8001
        add dfwk-ipp 10.201.1.2,udp:8002
        create dfwk-netp hash:net,port family inet
        add dfwk-netp 10.201.3.0/24,tcp:8003
        add dfwk-netp 10.201.3.2/31,tcp:8003 nomatch
        add dfwk-netp 10.201.3.3,tcp:8003
        create dfwk-ipi hash:ip,port,ip family inet
        add dfwk-ipi 10.201.1.2,tcp:8004,10.201.2.2
        create dfwk-ipn hash:ip,port,net family inet
        add dfwk-ipn 10.201.1.2,tcp:8005,10.201.3.0/24
        add dfwk-ipn 10.201.1.2,tcp:8005,10.201.3.4 nomatch

        """;

    private static readonly string[] Rules =
    [
        "filter -A FORWARD -m set --match-set dfwk-ipp src,dst -j DROP",
        "filter -A FORWARD -i r1 -p tcp --dport 8003 -m set --match-set dfwk-netp dst,dst -j DROP",
        "filter -A FORWARD -i r2 -p tcp --dport 8003 -m set --match-set dfwk-netp dst,dst --return-nomatch -j DROP",
        "filter -A FORWARD -p tcp --dport 8004 -m set --match-set dfwk-ipi src,dst,dst ! --update-counters -j DROP",
        "filter -A FORWARD -p tcp --dport 8005 -m set --match-set dfwk-ipn src,dst,dst -j DROP",
        "filter -A FORWARD -p udp --dport 8006 -m set ! --match-set dfwk-ipp src -j DROP",
    ];

    [KernelFact]
    public void Every_probe_meets_the_fate_the_sets_of_tuples_read_back_give_it_in_both_engines()
    {
        var topology = fixture.Topology;
        topology.Router.ExecWithInput(Sets, "ipset", "-exist", "restore").EnsureOk();
        var text = RulesetText.Build(Rules);
        KernelProbe.Load(topology, text);
        var ruleset = IptablesSaveReader.Read(text, "tuples.iptables-save", IpFamily.V4).Value!;
        var listing = IpsetSaveReader.Read(topology.Router.Exec("ipset", "save").EnsureOk().Out, "ipset save");
        Assert.True(listing.Succeeded, string.Join("; ", listing.Diagnostics));
        Assert.Empty(listing.Value!.Unread);
        var context = EngineView.ContextOf(topology) with { IpSets = listing.Value.Members };
        var reach = SymbolicEngine.Reach(SymbolicRuleset.Compile(ruleset, [new InterfacePattern("r1"), new InterfacePattern("r2")], context),
            new ReachQuery(PacketPath.Forward) { State = ConntrackStates.New });

        var (a, b) = (topology["a"], topology["b"]);
        var (c, d, e) = (topology["c"].Address, topology["d"].Address, topology["e"].Address);
        var probes = new (Probe Probe, bool Passes)[]
        {
            // a's address with tcp 8001 and udp 8002 to any destination: the source and the destination port.
            (new Probe("tcp", a, b.Address, topology.NextSourcePort(), 8001), false),
            (new Probe("udp", a, b.Address, topology.NextSourcePort(), 8002), false),
            (new Probe("tcp", a, b.Address, topology.NextSourcePort(), 8002), true),
            (new Probe("udp", a, b.Address, topology.NextSourcePort(), 8001), true),
            (new Probe("tcp", b, a.Address, topology.NextSourcePort(), 8001), true),
            // The /24 matches, the nomatch /31 (c, d) inside it does not, the /32 (d) inside that does.
            (new Probe("tcp", a, c, topology.NextSourcePort(), 8003), true),
            (new Probe("tcp", a, d, topology.NextSourcePort(), 8003), false),
            (new Probe("tcp", a, e, topology.NextSourcePort(), 8003), false),
            // --return-nomatch: only where the nomatch /31 decides.
            (new Probe("tcp", b, c, topology.NextSourcePort(), 8003), false),
            (new Probe("tcp", b, d, topology.NextSourcePort(), 8003), true),
            (new Probe("tcp", b, e, topology.NextSourcePort(), 8003), true),
            // Three parts, three directions.
            (new Probe("tcp", a, b.Address, topology.NextSourcePort(), 8004), false),
            (new Probe("tcp", a, c, topology.NextSourcePort(), 8004), true),
            (new Probe("tcp", b, a.Address, topology.NextSourcePort(), 8004), true),
            (new Probe("tcp", a, c, topology.NextSourcePort(), 8005), false),
            (new Probe("tcp", a, e, topology.NextSourcePort(), 8005), true),
            (new Probe("tcp", b, c, topology.NextSourcePort(), 8005), true),
            // One direction on a set of two parts: never in it, so the negated match always holds.
            (new Probe("udp", a, b.Address, topology.NextSourcePort(), 8006), false),
            (new Probe("udp", b, a.Address, topology.NextSourcePort(), 8006), false),
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
    }
}
