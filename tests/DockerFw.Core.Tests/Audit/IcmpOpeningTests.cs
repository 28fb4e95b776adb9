using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Core.Syntax.NftJson;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// Oracle F39: only an ICMP query opens a connection (echo, timestamp, information, address mask
/// requests; ICMPv6's echo request and node information query). An echo reply or an error sent with
/// no connection before it is INVALID, never NEW (nf_conntrack_proto_icmp.c). A host that drops
/// INVALID first (Docker 28+'s layouts, firewalld, Debian's nftables.conf) and lets ICMP's replies
/// and errors through but no request carries no ICMP connection between containers; judged over NEW
/// packets of every type, the audit said it did. The kernel agrees (IcmpStateKernelTests).
/// </summary>
public sealed class IcmpOpeningTests
{
    // c1 and c2 on bridge1 (icc on).
    private static readonly DockerView Containers = EngineView.TwoBridges(true, EngineView.Container("c2", "bridge1", "192.0.2.3"));

    private static ContainerReachabilityEntry C1ToC2(string user) =>
        Assert.Single(Auditor.Run(Context(new DockerHost(User: user).ToString(), Sysctl("net.bridge.bridge-nf-call-iptables=1"), Containers)
            with { ContainerMatrix = true }).ContainersReachability!.Value, e => e.FromAddress == "192.0.2.2" && e.ToAddress == "192.0.2.3");

    private static bool Icmp(AllowedFlow f) => f.Protocol == "all" || f.Protocol.Split(", ").Contains("icmp");

    [Fact]
    public void Echo_replies_and_errors_let_through_behind_a_drop_of_invalid_packets_open_no_ICMP_connection()
    {
        var entry = C1ToC2("""
            -A DOCKER-USER -m conntrack --ctstate INVALID -j DROP
            -A DOCKER-USER -p icmp -m icmp --icmp-type 0 -j RETURN
            -A DOCKER-USER -p icmp -m icmp --icmp-type 3 -j RETURN
            -A DOCKER-USER -p icmp -j DROP
            """);

        Assert.Equal(ReachabilityVerdict.Partial, entry.Verdict);
        Assert.DoesNotContain(entry.Flows, Icmp);
    }

    [Fact]
    public void Without_the_drop_of_invalid_packets_unsolicited_echo_replies_pass_but_open_no_connection_either()
    {
        var entry = C1ToC2("""
            -A DOCKER-USER -p icmp -m icmp --icmp-type 0 -j RETURN
            -A DOCKER-USER -p icmp -j DROP
            """);

        Assert.DoesNotContain(entry.Flows, Icmp);
    }

    [Fact]
    public void A_timestamp_request_let_through_where_echo_requests_are_dropped_is_an_ICMP_connection()
    {
        // The rule for 13 lets the queries through; its replies (14) come back as ESTABLISHED.
        var entry = C1ToC2("""
            -A DOCKER-USER -m conntrack --ctstate INVALID -j DROP
            -A DOCKER-USER -p icmp -m icmp --icmp-type 8 -j DROP
            """);

        Assert.Contains(entry.Flows, f => Icmp(f) && f.Kind == "connection");
    }

    [Fact]
    public void Timestamp_requests_let_through_without_their_replies_are_one_way()
    {
        // Only ICMP's timestamp request (13) passes, its reply (14) with the rest: the replies were
        // typed 13 (only echo requests were mapped) and came back through the rule that let 13 in.
        var entry = C1ToC2("-A DOCKER-USER -p icmp -m icmp ! --icmp-type 13 -j DROP");

        Assert.Equal(ReplyFate.OneWay, Assert.Single(entry.Flows, Icmp).Kind);
    }

    // Debian's nftables.conf style, inet: INVALID dropped, ICMPv6's echo replies and neighbour
    // discovery accepted, the rest of ICMPv6 dropped (the echo requests with it).
    private const string InvalidDropNft = """
        {"nftables": [{"table": {"family": "inet", "name": "admin", "handle": 1}},
         {"chain": {"family": "inet", "table": "admin", "name": "forward", "handle": 1, "type": "filter", "hook": "forward", "prio": 0, "policy": "accept"}},
         {"rule": {"family": "inet", "table": "admin", "chain": "forward", "handle": 2, "expr": [{"match": {"op": "in", "left": {"ct": {"key": "state"}}, "right": "invalid"}}, {"drop": null}]}},
         {"rule": {"family": "inet", "table": "admin", "chain": "forward", "handle": 3, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "icmpv6", "field": "type"}}, "right": "echo-reply"}}, {"accept": null}]}},
         {"rule": {"family": "inet", "table": "admin", "chain": "forward", "handle": 4, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "icmpv6", "field": "type"}}, "right": "nd-neighbor-solicit"}}, {"accept": null}]}},
         {"rule": {"family": "inet", "table": "admin", "chain": "forward", "handle": 5, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "icmpv6", "field": "type"}}, "right": "nd-neighbor-advert"}}, {"accept": null}]}},
         {"rule": {"family": "inet", "table": "admin", "chain": "forward", "handle": 6, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "l4proto"}}, "right": "ipv6-icmp"}}, {"drop": null}]}}]}
        """;

    [Fact]
    public void Over_IPv6_an_nft_drop_of_invalid_packets_before_accepting_echo_replies_leaves_no_ICMPv6_connection()
    {
        var read = NftJsonReader.Read(InvalidDropNft, "admin.json");
        Assert.Empty(read.Diagnostics);
        var v6 = HostRuleset.Merge(Read6(DockerV6), read.Value!);
        var report = Auditor.Run(new AuditContext(Read(new DockerHost().ToString()), v6, DualStack, Sysctl("net.bridge.bridge-nf-call-ip6tables=1"))
            { ContainerMatrix = true });

        var entry = Assert.Single(report.ContainersReachability!.Value, e => e.FromAddress == "2001:db8:1::2" && e.ToAddress == "2001:db8:1::3");
        Assert.Equal(ReachabilityVerdict.Partial, entry.Verdict);
        Assert.DoesNotContain(entry.Flows, f => f.Protocol == "all" || f.Protocol.Split(", ").Contains("ipv6-icmp"));
    }

    private static readonly DockerView DualStack = new(
        [EngineView.Network("bridge1", "192.0.2.0/24") with
        {
            Subnets = [.. EngineView.Network("bridge1", "192.0.2.0/24").Subnets, new DockerSubnet(AddressMask.TryParse("2001:db8:1::/64", IpFamily.V6, out var s) ? s! : null!, null)],
        }],
        [Dual("c1", "192.0.2.2", "2001:db8:1::2"), Dual("c2", "192.0.2.3", "2001:db8:1::3")]);

    private static DockerContainer Dual(string name, string ip, string ip6) =>
        new(name, name + "-id", true, "bridge1",
            [new DockerEndpoint("bridge1", "bridge1-id", IpAddressValue.Parse(ip, IpFamily.V4), IpAddressValue.Parse(ip6, IpFamily.V6), [])], [], [], []);

    // dockerd's ip6tables filter table for bridge1, icc on.
    private const string DockerV6 = """
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD DROP [0:0]
        :OUTPUT ACCEPT [0:0]
        :DOCKER - [0:0]
        :DOCKER-USER - [0:0]
        -A FORWARD -j DOCKER-USER
        -A FORWARD -o bridge1 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
        -A FORWARD -o bridge1 -j DOCKER
        -A FORWARD -i bridge1 ! -o bridge1 -j ACCEPT
        -A FORWARD -i bridge1 -o bridge1 -j ACCEPT
        -A DOCKER-USER -j RETURN
        COMMIT

        """;

    private static Ruleset Read6(string text)
    {
        var read = IptablesSaveReader.Read(text, "fixture.ip6tables-save", IpFamily.V6);
        Assert.True(read.Succeeded, string.Join("\n", read.Diagnostics));
        return read.Value!;
    }
}
