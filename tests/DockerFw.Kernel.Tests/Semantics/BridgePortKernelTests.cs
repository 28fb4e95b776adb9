using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Semantics;

/// <summary>
/// <c>-m physdev</c> as the symbolic engine decides it from the interfaces (<c>BridgePortConditions</c>),
/// judged by the kernel with br_netfilter on: a packet routed between two interfaces (into the bridge,
/// out of it, or past it) has no bridge output port; one made by the router has no bridge ports at all.
/// Where the engine decides, the kernel agrees; it leaves in doubt only the packets in and out by one
/// interface (here the frames br0 switches) and, for <c>--physdev-is-in</c>, those that came in by an
/// interface it cannot tell is a bridge.
/// </summary>
public sealed class BridgePortKernelTests(TopologyFixture fixture) : IClassFixture<TopologyFixture>
{
    // The frames br0 switches, and packets routed into, out of and past it, and made by the router.
    private static readonly string[] Probes = ["tcp c->d:80", "tcp c->b:80", "tcp a->c:80", "tcp a->b:80", "udp router->c:53", "udp router->b:53"];

    [KernelTheory]
    [InlineData("--physdev-is-bridged")]
    [InlineData("! --physdev-is-bridged")]
    [InlineData("--physdev-is-out")]
    [InlineData("--physdev-out vb2")]
    [InlineData("--physdev-is-in")]
    [InlineData("! --physdev-is-in")]
    [InlineData("! --physdev-in vb1")]
    public void Where_the_engine_decides_a_physdev_match_the_kernel_agrees(string match)
    {
        var topology = fixture.Topology;
        // physdev_mt_check refuses an output port test in OUTPUT (a packet made here is never bridged).
        var output = match.Contains("-out", StringComparison.Ordinal) ? [] : new[] { $"filter -A OUTPUT -m physdev {match} -j DROP" };
        var text = RulesetText.Build([$"filter -A FORWARD -m physdev {match} -j DROP", .. output]);
        KernelProbe.Load(topology, text);
        var ruleset = IptablesSaveReader.Read(text, "physdev.iptables-save", IpFamily.V4).Value!;

        var decided = 0;
        foreach (var spec in Probes)
        {
            var probe = ProbeSpec.Parse(topology, spec);
            var (packet, path) = EngineView.PacketOf(topology, probe);
            var query = new ReachQuery(path);
            var compiled = SymbolicRuleset.Compile(ruleset, new[] { packet.InInterface, packet.OutInterface }.OfType<string>().Select(i => new InterfacePattern(i)));
            var verdict = SymbolicEngine.Reach(compiled, query).RegionOf(packet with { PhysIn = null, PhysOut = null })!.Verdict;
            var kernel = KernelProbe.Send(topology, probe);

            var switched = spec == "tcp c->d:80";
            if (verdict == ReachVerdict.Maybe)
            {
                Assert.True(switched || match.Contains("-in", StringComparison.Ordinal), $"{spec}: {match} left in doubt");
                continue;
            }

            decided++;
            Assert.False(switched, $"{spec}: {match} decided {verdict} for a frame the bridge switches");
            Assert.True((verdict == ReachVerdict.Accept) == kernel.Arrived, $"{spec} with {match}: symbolic {verdict}, kernel {kernel}");
        }

        Assert.True(decided >= 2, $"{match}: decided only {decided} of {Probes.Length}");
    }
}
