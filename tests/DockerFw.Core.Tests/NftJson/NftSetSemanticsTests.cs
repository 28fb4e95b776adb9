using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Semantics;
using DockerFw.Core.Syntax.NftJson;
using DockerFw.Tests.Semantics;
using static DockerFw.Tests.Semantics.Packets;

namespace DockerFw.Core.Tests.NftJson;

/// <summary>
/// nft address sets (named, interval, anonymous, negated) and ICMP types as nft 1.0.6 lists them: read
/// into typed conditions and decided by the tracer (kernel agreement: Kernel.Tests NftSetKernelTests).
/// </summary>
public sealed class NftSetSemanticsTests
{
    private static Ruleset Listing(string sets, string rule) => NftJsonReader.Read(
        """{"nftables": [{"table": {"family": "inet", "name": "t", "handle": 1}},""" + sets +
        """{"chain": {"family": "inet", "table": "t", "name": "c", "handle": 1, "type": "filter", "hook": "forward", "prio": 0, "policy": "accept"}},""" +
        """{"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 9, "expr": [""" + rule + """, {"drop": null}]}}]}""", "t").Value!;

    private const string Nets =
        """{"set": {"family": "inet", "name": "nets", "table": "t", "type": "ipv4_addr", "handle": 3, "flags": ["interval"], "elem": [{"prefix": {"addr": "10.1.0.0", "len": 24}}, {"range": ["10.2.0.5", "10.2.0.9"]}]}},""";

    private static string Match(string op, string left, string right) => "{\"match\": {\"op\": \"" + op + "\", \"left\": " + left + ", \"right\": " + right + "}}";

    private const string Saddr = """{"payload": {"protocol": "ip", "field": "saddr"}}""";
    private const string IcmpType = """{"payload": {"protocol": "icmp", "field": "type"}}""";

    [Theory]
    [InlineData("10.1.0.200", "==", PacketVerdict.Drop)]
    [InlineData("10.2.0.9", "==", PacketVerdict.Drop)]
    [InlineData("10.2.0.10", "==", PacketVerdict.Accept)]
    [InlineData("10.2.0.4", "!=", PacketVerdict.Drop)]
    [InlineData("10.2.0.5", "!=", PacketVerdict.Accept)]
    public void An_interval_set_holds_its_prefixes_and_ranges_and_negation_is_the_complement(string source, string op, PacketVerdict verdict)
    {
        var ruleset = Listing(Nets, Match(op, Saddr, "\"@nets\""));

        var result = PacketTracer.Trace(ruleset, Tcp(source + ":4000", "10.9.0.1:80", "eth0", "eth1"), PacketPath.Forward);

        Assert.True(result.Certain, string.Join(",", result.PossibleVerdicts));
        Assert.Equal(verdict, result.Verdict);
    }

    [Fact]
    public void An_anonymous_set_keeps_its_addresses_prefixes_and_ranges()
    {
        var ruleset = Listing("", Match("==", Saddr, """{"set": ["10.3.0.1", {"prefix": {"addr": "10.4.0.0", "len": 16}}, {"range": ["10.5.0.1", "10.5.0.3"]}]}"""));

        var set = Assert.IsType<AddressSetMatch>(ruleset.Rules.Single().Matches.Single());

        Assert.Equal("{ 10.3.0.1/32, 10.4.0.0/16, 10.5.0.1-10.5.0.3 }", set.FormatValue());
        Assert.True(set.Contains(Model.Values.IpAddressValue.Parse("10.5.0.2", Model.Values.IpFamily.V4)));
    }

    [Theory]
    [InlineData("\"echo-request\"", "==")]
    [InlineData("{\"set\": [\"echo-request\", \"echo-reply\"]}", "==")]
    [InlineData("\"echo-reply\"", "!=")]
    public void An_icmp_type_implies_the_protocol_so_a_tcp_packet_is_certainly_not_matched(string type, string op)
    {
        var ruleset = Listing("", Match(op, IcmpType, type));

        var tcp = PacketTracer.Trace(ruleset, Tcp("10.0.0.1:4000", "10.9.0.1:80", "eth0", "eth1"), PacketPath.Forward);
        var ping = PacketTracer.Trace(ruleset, Ping("10.0.0.1", "10.9.0.1", "eth0", "eth1"), PacketPath.Forward);

        Assert.Equal((true, PacketVerdict.Accept), (tcp.Certain, tcp.Verdict));
        Assert.Equal((true, PacketVerdict.Drop), (ping.Certain, ping.Verdict));
    }
}
