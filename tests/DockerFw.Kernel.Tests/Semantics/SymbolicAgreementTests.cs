using System.Text;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Semantics;

/// <summary>
/// The symbolic engine against the kernel: for a random ruleset and the packets from one endpoint
/// to another (or to the router), a packet drawn from each region gets that region's verdict from
/// the kernel and from <c>PacketTracer</c>. Between routed links only: a reach query has no bridge
/// ports, and no nat rules, since a query fixes the output interface that a DNAT would change.
/// </summary>
public sealed class SymbolicAgreementTests(TopologyFixture fixture) : IClassFixture<TopologyFixture>
{
    public static TheoryData<int> Seeds() => new(Enumerable.Range(5000, 30));

    [KernelTheory]
    [MemberData(nameof(Seeds))]
    public void A_packet_from_each_region_gets_the_regions_verdict_from_the_kernel_and_the_trace(int seed)
    {
        var random = new Random(seed);
        var rules = new RandomRuleset(random).Generate().Where(line => !line.StartsWith("nat ", StringComparison.Ordinal));
        var text = RulesetText.Build(rules);
        var topology = fixture.Topology;
        KernelProbe.Load(topology, text);
        var ruleset = IptablesSaveReader.Read(text, $"seed-{seed}.iptables-save").Value!;

        var (from, to) = random.Next(3) switch
        {
            0 => (topology["a"], topology["b"].Address),
            1 => (topology["b"], topology["a"].Address),
            _ => (topology["a"], topology.RouterAddresses[random.Next(3)].Address),
        };
        var probeOf = (string protocol, int sport, int dport) => new Probe(protocol, from, to, sport, dport);
        var (template, path) = EngineView.PacketOf(topology, probeOf("udp", 1, 1));
        var query = new ReachQuery(path)
        {
            In = new InterfacePattern(template.InInterface!),
            Out = template.OutInterface is null ? null : new InterfacePattern(template.OutInterface),
            Source = AddressMask.Host(IpFamily.V4, template.Source),
            Destination = AddressMask.Host(IpFamily.V4, template.Destination),
            State = ConntrackStates.New,
        };
        var local = IntervalSetOf(topology.RouterAddresses.Select(a => EngineView.ValueOf(a.Address)));
        var reach = SymbolicEngine.Reach(SymbolicRuleset.Compile(ruleset, query.Interfaces, local), query);

        var disagreements = new StringBuilder();
        var probed = 0;
        foreach (var region in reach.Regions.Where(r => r.Verdict != ReachVerdict.Maybe))
        {
            if (Sample(random, reach, region, topology, probeOf) is not { } probe) continue;
            probed++;
            var kernel = KernelProbe.Send(topology, probe);
            var trace = EngineView.Trace(ruleset, topology, probe);
            var expected = region.Verdict == ReachVerdict.Accept;
            if (kernel.Arrived != expected || trace.Verdict?.ToString() != region.Verdict.ToString())
                disagreements.Append($"region {region.Verdict} {region.Packets}\n  probe {probe}: kernel {kernel}; trace {EngineView.Describe(trace)}\n");
        }

        Assert.True(disagreements.Length == 0, $"seed {seed}: regions disagree\n{disagreements}ruleset:\n{text}");
        Assert.True(probed > 0 || reach.Regions.All(r => r.Verdict == ReachVerdict.Maybe),
            $"seed {seed}: no region held a packet the harness can send\n{string.Join('\n', reach.Regions.Select(r => $"{r.Verdict} {r.Packets}"))}");
    }

    /// <summary>
    /// A packet of the region the harness can send: TCP, UDP or an ICMP echo request, ports from 1
    /// up, a source port not used before in this topology (a reused tuple would not be NEW), mark 0.
    /// </summary>
    private static Probe? Sample(Random random, ReachResult reach, ReachRegion region, Topology topology, Func<string, int, int, Probe> probeOf)
    {
        foreach (var box in region.Packets.Boxes)
        {
            var protocols = new[] { ("tcp", Protocol.Tcp), ("udp", Protocol.Udp), ("icmp", Protocol.Icmp) }
                .Where(p => box[Dimension.Proto].Contains((UInt128)p.Item2)).Select(p => p.Item1).ToArray();
            for (var attempt = 0; attempt < 20 && protocols.Length > 0; attempt++)
            {
                var picked = Pick(random, box[Dimension.Sport]);
                if (picked is { } port && !topology.ClaimSourcePort(port)) continue;
                var sport = picked ?? topology.NextSourcePort();
                var dport = Pick(random, box[Dimension.Dport]) ?? 1;
                var probe = probeOf(protocols[random.Next(protocols.Length)], sport, dport);
                if (reach.RegionOf(EngineView.PacketOf(topology, probe).Packet) == region) return probe;
            }
        }
        return null;
    }

    private static int? Pick(Random random, IntervalSet ports)
    {
        var usable = ports.Ranges.Where(r => r.Last >= 1).ToList();
        if (usable.Count == 0) return null;
        var (first, last) = usable[random.Next(usable.Count)];
        var low = (int)UInt128.Max(first, 1);
        return random.Next(low, (int)UInt128.Min(last, 65535) + 1);
    }

    private static IntervalSet IntervalSetOf(IEnumerable<UInt128> values) => IntervalSet.FromValues(values);
}
