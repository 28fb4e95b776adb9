using DockerFw.Core.Model;
using DockerFw.Core.Semantics;
using DockerFw.Core.Syntax.NftJson;
using DockerFw.Tests.Semantics;
using static DockerFw.Tests.Semantics.Packets;

namespace DockerFw.Core.Tests.NftJson;

/// <summary>Several base chains on one hook: priority order, accept not final, drop final, iptables among them.</summary>
public sealed class NftSemanticsTests
{
    private static string Chain(string table, string name, string? hook = null, int prio = 0, string policy = "accept", string type = "filter") =>
        "{\"chain\": {\"family\": \"ip\", \"table\": \"" + table + "\", \"name\": \"" + name + "\", \"handle\": 1" +
        (hook is null ? "" : $", \"type\": \"{type}\", \"hook\": \"{hook}\", \"prio\": {prio}, \"policy\": \"{policy}\"") + "}}";

    private static string Rule(string table, string chain, string expr) =>
        "{\"rule\": {\"family\": \"ip\", \"table\": \"" + table + "\", \"chain\": \"" + chain + "\", \"handle\": 2, \"expr\": [" + expr + "]}}";

    private static Ruleset Nft(params string[] objects)
    {
        var tables = objects.Select(o => o.Split("\"table\": \"")[1].Split('"')[0]).Distinct()
            .Select(t => "{\"table\": {\"family\": \"ip\", \"name\": \"" + t + "\", \"handle\": 1}}");
        var result = NftJsonReader.Read("{\"nftables\": [" + string.Join(", ", tables.Concat(objects)) + "]}", "t");
        Assert.Empty(result.Diagnostics);
        return result.Value!;
    }

    private const string Count = "{\"counter\": {\"packets\": 0, \"bytes\": 0}}";

    private static readonly Packet Web = Tcp("10.0.0.1:40000", "172.17.0.2:80", "eth0", "docker0");

    [Fact]
    public void AnAcceptInOneBaseChainDoesNotOverruleADropPolicyOfIptablesForward()
    {
        var iptables = Dump.Read("*filter\n:FORWARD DROP [0:0]\nCOMMIT\n");
        var nft = Nft(Chain("mine", "fwd", "forward", prio: -5), Rule("mine", "fwd", Count + ", {\"accept\": null}"));

        var result = PacketTracer.Trace(HostRuleset.Merge(iptables, nft), Web, PacketPath.Forward);

        Assert.Equal(PacketVerdict.Drop, result.Verdict);
        Assert.Equal("ip mine/fwd#1", result.Counted());
    }

    [Fact]
    public void ADropInAnEarlierBaseChainIsFinalAndLaterChainsNeverSeeThePacket()
    {
        var iptables = Dump.Read("*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -j ACCEPT\nCOMMIT\n");
        var nft = Nft(Chain("mine", "fwd", "forward", prio: -10), Rule("mine", "fwd", Count + ", {\"drop\": null}"));

        var result = PacketTracer.Trace(HostRuleset.Merge(iptables, nft), Web, PacketPath.Forward);

        Assert.Equal(PacketVerdict.Drop, result.Verdict);
        Assert.Equal("ip mine/fwd#1", result.Counted());
    }

    [Fact]
    public void BaseChainsOnOneHookRunInPriorityOrderNotInTheOrderListed()
    {
        var nft = Nft(
            Chain("late", "a", "forward", prio: 10), Chain("early", "b", "forward", prio: -10), Chain("mid", "c", "forward", prio: 0),
            Rule("late", "a", Count), Rule("early", "b", Count + ", {\"accept\": null}"), Rule("mid", "c", Count));

        var result = PacketTracer.Trace(nft, Web, PacketPath.Forward);

        Assert.Equal(PacketVerdict.Accept, result.Verdict);
        Assert.Equal("ip early/b#1 ip mid/c#1 ip late/a#1", result.Counted());
    }

    [Fact]
    public void AnIptablesTableRunsAtItsStandardPriorityAmongNativeChains()
    {
        var iptables = Dump.Read("*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD\nCOMMIT\n*mangle\n:FORWARD ACCEPT [0:0]\n-A FORWARD\nCOMMIT\n");
        var nft = Nft(Chain("mine", "x", "forward", prio: -100), Chain("mine", "y", "forward", prio: 10), Rule("mine", "x", Count), Rule("mine", "y", Count));

        var result = PacketTracer.Trace(HostRuleset.Merge(iptables, nft), Web, PacketPath.Forward);

        Assert.Equal("mangle/FORWARD#1 ip mine/x#1 filter/FORWARD#1 ip mine/y#1", result.Counted());
    }

    [Fact]
    public void ATableOfAnotherFamilyDoesNotSeeThePacket()
    {
        var ip6 = Nft(Chain("v6", "fwd", "forward"), Rule("v6", "fwd", "{\"drop\": null}"));
        var retagged = ip6 with { Tables = [.. ip6.Tables.Select(t => t with { Family = "ip6" })] };

        Assert.Equal(PacketVerdict.Accept, PacketTracer.Trace(retagged, Web, PacketPath.Forward).Verdict);
        Assert.Equal(PacketVerdict.Drop, PacketTracer.Trace(ip6, Web, PacketPath.Forward).Verdict);
    }

    [Fact]
    public void ADnatInANatBaseChainRewritesTheDestinationBeforeTheForwardChains()
    {
        var dnat = "{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"tcp\", \"field\": \"dport\"}}, \"right\": 8080}}, " +
                   "{\"dnat\": {\"addr\": \"172.17.0.2\", \"port\": 80}}";
        var toContainer = "{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"ip\", \"field\": \"daddr\"}}, \"right\": \"172.17.0.2\"}}, {\"accept\": null}";
        var nft = Nft(
            Chain("d", "pre", "prerouting", prio: -100, type: "nat"), Chain("d", "fwd", "forward", policy: "drop"),
            Rule("d", "pre", dnat), Rule("d", "fwd", toContainer));

        var result = PacketTracer.Trace(nft, Tcp("10.0.0.1:40000", "192.0.2.10:8080", "eth0", "docker0"), PacketPath.Forward);

        Assert.Equal(PacketVerdict.Accept, result.Verdict);
        Assert.Equal("ip d/pre#1 ip d/fwd#1", result.Counted());
    }
}
