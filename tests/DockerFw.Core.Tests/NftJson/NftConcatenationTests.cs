using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.NftJson;
using static DockerFw.Tests.Semantics.Packets;

namespace DockerFw.Core.Tests.NftJson;

/// <summary>
/// nft sets keyed by a concatenation (<c>ip daddr . tcp dport @published</c>, as Docker 29's nftables
/// back end and firewalld write them) decided by both engines: the fields read together are one of the
/// tuples; <c>!=</c> is every other tuple of the same family and protocol (the port's payload implies
/// TCP whatever the operator); interval elements hold their prefixes and ranges. The kernel's word is
/// NftConcatenationKernelTests' (tests/DockerFw.Kernel.Tests).
/// </summary>
public sealed class NftConcatenationTests
{
    private static Ruleset Listing(string op, string right, string sets = "") => NftJsonReader.Read(
        """{"nftables": [{"table": {"family": "inet", "name": "t", "handle": 1}},""" + sets +
        """{"chain": {"family": "inet", "table": "t", "name": "c", "handle": 1, "type": "filter", "hook": "forward", "prio": 0, "policy": "accept"}},""" +
        """{"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 9, "expr": [{"match": {"op": """ + "\"" + op + "\"" +
        """, "left": {"concat": [{"payload": {"protocol": "ip", "field": "daddr"}}, {"payload": {"protocol": "tcp", "field": "dport"}}]}, "right": """ + right +
        """}}, {"drop": null}]}}]}""", "t").Value!;

    // Docker 29's published ports: a container's address and port; the second element an interval.
    private const string Published =
        """{"set": {"family": "inet", "name": "published", "table": "t", "type": ["ipv4_addr", "inet_service"], "handle": 3, "flags": ["interval"], "elem": [{"concat": ["172.17.0.2", 80]}, {"concat": [{"prefix": {"addr": "172.18.0.0", "len": 24}}, {"range": [8000, 8099]}]}]}},""";

    private static PacketVerdict Fate(Ruleset rules, Packet packet)
    {
        var traced = PacketTracer.Trace(rules, packet, PacketPath.Forward);
        var region = SymbolicEngine.Reach(SymbolicRuleset.Compile(rules), new ReachQuery(PacketPath.Forward)).RegionOf(packet)!;
        Assert.True(traced.Certain, string.Join("; ", traced.Doubts.Select(d => d.Reason)));
        Assert.Empty(region.Doubts);
        Assert.Equal(traced.Verdict == PacketVerdict.Drop ? ReachVerdict.Drop : ReachVerdict.Accept, region.Verdict);
        return traced.Verdict!.Value;
    }

    [Theory]
    [InlineData("tcp", "172.17.0.2:80", PacketVerdict.Drop, PacketVerdict.Accept)]
    [InlineData("tcp", "172.17.0.2:81", PacketVerdict.Accept, PacketVerdict.Drop)]
    [InlineData("tcp", "172.17.0.3:80", PacketVerdict.Accept, PacketVerdict.Drop)]
    [InlineData("tcp", "172.18.0.77:8042", PacketVerdict.Drop, PacketVerdict.Accept)]
    [InlineData("tcp", "172.18.1.77:8042", PacketVerdict.Accept, PacketVerdict.Drop)]
    [InlineData("udp", "172.17.0.2:80", PacketVerdict.Accept, PacketVerdict.Accept)]
    public void The_address_and_port_are_read_together_and_the_port_implies_tcp_whatever_the_operator(string protocol, string to, PacketVerdict equal, PacketVerdict unequal)
    {
        var packet = (protocol == "tcp" ? Tcp("10.0.0.1:40000", to) : Udp("10.0.0.1:40000", to)) with { InInterface = "eth0", OutInterface = "docker0" };

        Assert.Equal(equal, Fate(Listing("==", "\"@published\"", Published), packet));
        Assert.Equal(unequal, Fate(Listing("!=", "\"@published\"", Published), packet));
    }

    [Fact]
    public void An_anonymous_set_of_concatenations_is_read_and_written_as_its_tuples()
    {
        var rules = Listing("==", """{"set": [{"concat": ["172.17.0.2", 80]}, {"concat": ["172.17.0.3", 443]}]}""");

        var rule = rules.Rules.Single();
        Assert.Contains(rule.Matches, m => m is ProtocolMatch { Value.Number: 6 });
        var set = Assert.IsType<TupleSetMatch>(rule.Matches.Last());
        Assert.Equal("ip daddr . tcp dport { 172.17.0.2 . 80, 172.17.0.3 . 443 }", $"{set.Option} {set.FormatValue()}");
        Assert.Equal(PacketVerdict.Drop, Fate(rules, Tcp("10.0.0.1:40000", "172.17.0.3:443") with { InInterface = "eth0", OutInterface = "docker0" }));
    }
}
