using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.NftJson;
using static DockerFw.Tests.Semantics.Packets;

namespace DockerFw.Core.Tests.NftJson;

/// <summary>
/// One nft regular chain jumped to from a base chain before conntrack (prerouting at raw's -300) and
/// from one after it (output at 0): its <c>ct state established drop</c> meets no packet on the first
/// way, where conntrack has not run and every packet reads invalid, and every reply on the second.
/// Both engines read it per way (the symbolic engine compiles the chain once for each).
/// </summary>
public sealed class NftChainBeforeAndAfterConntrackTests
{
    private const string Guard =
        """
        {"nftables": [{"table": {"family": "inet", "name": "admin", "handle": 1}},
         {"chain": {"family": "inet", "table": "admin", "name": "early", "handle": 1, "type": "filter", "hook": "prerouting", "prio": -300, "policy": "accept"}},
         {"chain": {"family": "inet", "table": "admin", "name": "out", "handle": 2, "type": "filter", "hook": "output", "prio": 0, "policy": "accept"}},
         {"chain": {"family": "inet", "table": "admin", "name": "guard", "handle": 3}},
         {"rule": {"family": "inet", "table": "admin", "chain": "early", "handle": 4, "expr": [{"jump": {"target": "guard"}}]}},
         {"rule": {"family": "inet", "table": "admin", "chain": "out", "handle": 5, "expr": [{"jump": {"target": "guard"}}]}},
         {"rule": {"family": "inet", "table": "admin", "chain": "guard", "handle": 6, "expr": [{"match": {"op": "in", "left": {"ct": {"key": "state"}}, "right": "established"}}, {"drop": null}]}}]}
        """;

    [Theory]
    [InlineData(PacketPath.Input, "eth0", null, PacketVerdict.Accept)]
    [InlineData(PacketPath.Forward, "eth0", "eth1", PacketVerdict.Accept)]
    [InlineData(PacketPath.Output, null, "eth0", PacketVerdict.Drop)]
    public void An_established_packet_meets_the_chain_as_its_way_reaches_it(PacketPath path, string? @in, string? @out, PacketVerdict expected)
    {
        var rules = Rules();
        var packet = Tcp("198.51.100.7:443", "203.0.113.5:40000", @in, @out) with { State = ConntrackStates.Established };
        var compiled = SymbolicRuleset.Compile(rules);
        var (point, mark) = compiled.Space.PointOf(packet);

        var traced = PacketTracer.Trace(rules, packet, path);
        var region = Assert.Single(SymbolicEngine.Reach(compiled, path, compiled.Space.Universe(path)).Regions, r => r.Packets.Boxes.Any(b => b.Contains(point, mark)));

        Assert.Equal(expected, traced.Verdict);
        Assert.Equal(expected == PacketVerdict.Accept ? ReachVerdict.Accept : ReachVerdict.Drop, region.Verdict);
    }

    private static Ruleset Rules()
    {
        var read = NftJsonReader.Read(Guard, "admin.json");
        Assert.Empty(read.Diagnostics);
        return HostRuleset.Merge(Ruleset.Empty(IpFamily.V4), read.Value!);
    }
}
