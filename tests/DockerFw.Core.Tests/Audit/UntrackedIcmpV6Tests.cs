using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.IptablesSave;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// Oracle F36, seed 5076: m is on bridge2 and bridge1; c1 (bridge1) reaches m's bridge2 address
/// through the host, and m answers from its own endpoint on bridge1, where a reverse-path check drops
/// the reply (its source is bridge2's). firewalld's check accepts ICMPv6 134-135 (router
/// advertisements, neighbour solicitations) before its fib lookup; the stand-in here is mangle's
/// PREROUTING. Those messages are untracked and answered by nothing: no ICMPv6 connection completes,
/// the echo the kernel drops included, so every flow is one-way.
/// </summary>
public sealed class UntrackedIcmpV6Tests
{
    private static readonly Ruleset ReversePathLikeFirewalld = Read6("""
        *mangle
        :PREROUTING ACCEPT [0:0]
        -A PREROUTING -p ipv6-icmp -m icmp6 --icmpv6-type 134 -j ACCEPT
        -A PREROUTING -p ipv6-icmp -m icmp6 --icmpv6-type 135 -j ACCEPT
        -A PREROUTING -i bridge1 -s 2001:db8:2::/64 -j DROP
        COMMIT
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        COMMIT

        """);

    private static readonly DockerView View = new(
        [Net("bridge1", "192.0.2.0/24", "2001:db8:1::/64"), Net("bridge2", "198.51.100.0/24", "2001:db8:2::/64")],
        [Container("c1", On("bridge1", "192.0.2.2", "2001:db8:1::2")),
         Container("m", On("bridge2", "198.51.100.4", "2001:db8:2::4"), On("bridge1", "192.0.2.4", "2001:db8:1::4"))])
    {
        EngineVersion = "20.10.24+dfsg1",
    };

    private static AuditReport Audit() =>
        Auditor.Run(new AuditContext(Read(new DockerHost().ToString()), ReversePathLikeFirewalld, View, Sysctl("net.bridge.bridge-nf-call-ip6tables=1"))
            { ContainerMatrix = true });

    [Fact]
    public void A_container_whose_replies_only_router_and_neighbour_discovery_survive_gets_no_connection()
    {
        var entry = Assert.Single(Audit().ContainersReachability!.Value, e => e.FromAddress == "2001:db8:1::2" && e.ToAddress == "2001:db8:2::4");

        Assert.Equal(ReachabilityVerdict.Partial, entry.Verdict);
        Assert.All(entry.Flows, f => Assert.Equal(("one-way", false), (f.Kind, f.Possible)));
        Assert.Contains("switched on bridge1", entry.ReplyWay, StringComparison.Ordinal);
    }

    [Fact]
    public void A_network_whose_server_answers_so_gets_no_ICMPv6_connection_to_it()
    {
        var pair = Assert.Single(Audit().ReachabilityV6!, e => e.From == "bridge1" && e.To == "bridge2");

        Assert.DoesNotContain(pair.Flows, f => f.Kind == "connection" && f.Protocol.Contains("ipv6-icmp", StringComparison.Ordinal)
            && (f.Destinations is null || f.Destinations.Contains("2001:db8:2::4", StringComparison.Ordinal)));
    }

    private static Ruleset Read6(string text)
    {
        var read = IptablesSaveReader.Read(text, "fixture.ip6tables-save", IpFamily.V6);
        Assert.True(read.Succeeded, string.Join("\n", read.Diagnostics));
        return read.Value!;
    }

    private static DockerNetwork Net(string name, string subnet, string subnet6)
    {
        var network = EngineView.Network(name, subnet);
        Assert.True(AddressMask.TryParse(subnet6, IpFamily.V6, out var mask));
        return network with { Subnets = [.. network.Subnets, new DockerSubnet(mask!, null)] };
    }

    private static DockerEndpoint On(string network, string ip, string ip6) =>
        new(network, network + "-id", IpAddressValue.Parse(ip, IpFamily.V4), IpAddressValue.Parse(ip6, IpFamily.V6), []);

    private static DockerContainer Container(string name, params DockerEndpoint[] endpoints) =>
        new(name, name + "-id", true, endpoints[0].Network, [.. endpoints], [], [], []);
}
