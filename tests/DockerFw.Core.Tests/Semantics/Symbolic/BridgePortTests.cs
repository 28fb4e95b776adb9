using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Tests.Semantics.Symbolic;

/// <summary>
/// <c>-m physdev</c> as physdev_mt judges it from what the interfaces tell: a packet made here has no
/// bridge ports; one routed between two interfaces has no bridge output port (br_netfilter sets it only
/// on a frame the bridge switches); one in and out by the same interface may have been switched by a
/// bridge or routed back out of it (hairpin), which stays in doubt, as does which interfaces are bridges.
/// </summary>
public sealed class BridgePortTests
{
    private const string Rules = """
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        -A {0} -m physdev {1} -j DROP
        COMMIT

        """;

    [Theory]
    [InlineData("--physdev-is-bridged", "eth0", "br-b", ReachVerdict.Accept)]
    [InlineData("--physdev-is-bridged", "br-a", "br-b", ReachVerdict.Accept)]
    [InlineData("--physdev-is-bridged", "br-b", "br-b", ReachVerdict.Maybe)]
    [InlineData("! --physdev-is-bridged", "eth0", "br-b", ReachVerdict.Drop)]
    [InlineData("! --physdev-is-bridged", "br-b", "br-b", ReachVerdict.Maybe)]
    [InlineData("--physdev-is-out", "br-a", "br-b", ReachVerdict.Accept)]
    [InlineData("--physdev-out veth1", "br-a", "br-b", ReachVerdict.Accept)]
    [InlineData("--physdev-is-in", "br-a", "br-b", ReachVerdict.Maybe)]
    public void A_routed_packet_has_no_bridge_output_port_and_a_switched_one_may(string match, string @in, string @out, ReachVerdict verdict)
    {
        var result = Reach("FORWARD", match, new ReachQuery(PacketPath.Forward),
            ["eth0", "br-a", "br-b"]);

        Assert.Equal(verdict, result.RegionOf(Tcp(@in, @out))!.Verdict);
    }

    [Theory]
    [InlineData("--physdev-is-in", ReachVerdict.Accept)]
    [InlineData("! --physdev-is-in", ReachVerdict.Drop)]
    [InlineData("--physdev-in veth1", ReachVerdict.Accept)]
    [InlineData("! --physdev-is-bridged", ReachVerdict.Drop)]
    public void A_packet_made_here_has_no_bridge_ports(string match, ReachVerdict verdict)
    {
        var result = Reach("OUTPUT", match, new ReachQuery(PacketPath.Output), ["br-b"]);

        Assert.Equal(verdict, result.RegionOf(Tcp(null, "br-b"))!.Verdict);
    }

    [Fact]
    public void Whether_the_interface_a_packet_came_in_by_is_a_bridge_stays_in_doubt()
    {
        var result = Reach("INPUT", "--physdev-is-in", new ReachQuery(PacketPath.Input), ["br-b"]);

        var region = result.RegionOf(Tcp("br-b", null))!;
        Assert.Equal(ReachVerdict.Maybe, region.Verdict);
        Assert.StartsWith("-m physdev: whether a packet in and out by one interface", result.DoubtReasons[Assert.Single(region.Doubts)], StringComparison.Ordinal);
    }

    private static ReachResult Reach(string chain, string match, ReachQuery query, string[] interfaces)
    {
        var ruleset = IptablesSaveReader.Read(string.Format(Rules, chain, match), "physdev", IpFamily.V4).Value!;
        return SymbolicEngine.Reach(SymbolicRuleset.Compile(ruleset, interfaces.Select(i => new InterfacePattern(i))), query);
    }

    private static Packet Tcp(string? @in, string? @out) => new(IpFamily.V4, IpAddressValue.Parse("203.0.113.9", IpFamily.V4),
        IpAddressValue.Parse("172.19.0.2", IpFamily.V4), Protocol.Tcp, SourcePort: 40000, DestinationPort: 80, InInterface: @in, OutInterface: @out);
}
