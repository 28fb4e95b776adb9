using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.NftJson;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// Oracle F38: once a reply is seen, conntrack marks the requests' later packets ESTABLISHED (TCP's
/// handshake ACK and data, a UDP flow's next datagrams, ping's second echo request). A rule that drops
/// them the request's way lets the opening and its replies through and nothing after: no connection
/// carries data, and the matrices, icc and links say <c>opening-only</c>, not <c>connection</c>.
/// </summary>
public sealed class LaterPacketsTests
{
    // c1 192.0.2.2 and c2 192.0.2.3 on bridge1; c3 198.51.100.2 on bridge2.
    private static readonly DockerView Containers = EngineView.TwoBridges(true,
        EngineView.Container("c2", "bridge1", "192.0.2.3"),
        EngineView.Container("c3", "bridge2", "198.51.100.2"));

    private static readonly HostSettings BrNetfilter = Sysctl("net.bridge.bridge-nf-call-iptables=1");

    private static AuditReport Matrix(Ruleset v4) =>
        Auditor.Run(new AuditContext(v4, Ruleset.Empty(IpFamily.V6), Containers, BrNetfilter) { ContainerMatrix = true });

    private static AuditReport Matrix(DockerHost host) => Matrix(Read(host.ToString()));

    private static ContainerReachabilityEntry Entry(AuditReport report, string from, string to) =>
        Assert.Single(report.ContainersReachability!.Value, e => e.FromAddress == from && e.ToAddress == to);

    private static readonly AllowedFlow AllOpeningOnly = new("all", null, null, "opening-only");

    // bridge2 -> bridge1 opened for NEW packets only; the replies back are let through, the rest dropped.
    private const string NewOnlyBetween = """
        -A DOCKER-USER -i bridge2 -o bridge1 -m conntrack --ctstate NEW -j ACCEPT
        -A DOCKER-USER -i bridge1 -o bridge2 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
        -A DOCKER-USER -i bridge2 -o bridge1 -j DROP
        """;

    [Fact]
    public void A_new_only_accept_then_drop_between_networks_opens_no_connection_that_carries_data()
    {
        var report = Matrix(new DockerHost(User: NewOnlyBetween));

        var pair = Assert.Single(report.Reachability, r => r.From == "bridge2" && r.To == "bridge1");
        Assert.Equal((ReachabilityVerdict.Partial, AllOpeningOnly), (pair.Verdict, Assert.Single(pair.Flows)));
        Assert.Equal((ReachabilityVerdict.Partial, AllOpeningOnly), (Entry(report, "198.51.100.2", "192.0.2.2").Verdict, Assert.Single(Entry(report, "198.51.100.2", "192.0.2.2").Flows)));
        var finding = Assert.Single(report.Findings, f => f.Code == FindingCodes.NetworksPartlyOpen && f.Networks.Contains("bridge2"));
        Assert.Contains("the requests' later packets (ESTABLISHED: the handshake's ACK, the data) are dropped: no connection carries data", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_accept_with_the_later_packets_let_through_is_a_connection()
    {
        var report = Matrix(new DockerHost(User: NewOnlyBetween.Replace("-i bridge2 -o bridge1 -j DROP", "-i bridge2 -o bridge1 -m conntrack --ctstate ESTABLISHED -j ACCEPT")));

        var pair = Assert.Single(report.Reachability, r => r.From == "bridge2" && r.To == "bridge1");
        Assert.Equal(ReachabilityVerdict.Allowed, pair.Verdict);
    }

    [Fact]
    public void An_established_drop_from_one_container_makes_only_its_connections_opening_only_and_the_others_to_it_one_way()
    {
        // c2's later packets die, and so do its replies: c2 -> c1 is opening-only, c1 -> c2 one-way.
        var report = Matrix(new DockerHost(User: "-A DOCKER-USER -s 192.0.2.3/32 -i bridge1 -o bridge1 -m conntrack --ctstate ESTABLISHED -j DROP"));

        Assert.Equal(AllOpeningOnly, Assert.Single(Entry(report, "192.0.2.3", "192.0.2.2").Flows));
        Assert.Equal(new AllowedFlow("all", null, null, "one-way"), Assert.Single(Entry(report, "192.0.2.2", "192.0.2.3").Flows));
        var icc = Assert.Single(report.Networks, n => n.Name == "bridge1").Icc;
        Assert.Contains(icc.PartialFlows!.Value, f => f is { Kind: "opening-only", Sources: "192.0.2.3" });
        Assert.Contains(icc.PartialFlows!.Value, f => f is { Kind: "one-way", Sources: "192.0.2.2" });
    }

    [Fact]
    public void An_established_drop_of_one_port_makes_opening_only_the_connections_to_it_and_one_way_those_from_it()
    {
        // Later packets to tcp/80 die; the replies of connections to 80 come from 80 and pass, those of
        // connections from source port 80 go to 80 and die.
        var report = Matrix(new DockerHost(User: "-A DOCKER-USER -i bridge1 -o bridge1 -p tcp -m tcp --dport 80 -m conntrack --ctstate ESTABLISHED -j DROP"));

        var icc = Assert.Single(report.Networks, n => n.Name == "bridge1").Icc;
        Assert.Contains(new AllowedFlow("tcp", "80", null, "opening-only", SourcePorts: "0-79,81-65535"), icc.PartialFlows!.Value);
        Assert.Contains(icc.PartialFlows!.Value, f => f is { Protocol: "tcp", Kind: "one-way", SourcePorts: "80" });
        Assert.Contains(new AllowedFlow("all but tcp", null, null, "connection"), icc.PartialFlows!.Value);
    }

    /// <summary>A native nft chain drops ESTABLISHED packets from c2 to c1: c2's connections to c1 carry no data, c1's to c2 get no replies.</summary>
    private const string EstablishedDrop = """
        {"nftables": [{"table": {"family": "inet", "name": "guard", "handle": 3}},
         {"chain": {"family": "inet", "table": "guard", "name": "guard_forward", "handle": 1, "type": "filter", "hook": "forward", "prio": -10, "policy": "accept"}},
         {"rule": {"family": "inet", "table": "guard", "chain": "guard_forward", "handle": 2, "expr": [
           {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": "192.0.2.3"}},
           {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": "192.0.2.2"}},
           {"match": {"op": "in", "left": {"ct": {"key": "state"}}, "right": "established"}},
           {"drop": null}]}}]}
        """;

    [Fact]
    public void A_native_established_drop_with_the_requests_addresses_makes_those_connections_opening_only()
    {
        var nft = NftJsonReader.Read(EstablishedDrop, "guard.json");
        Assert.Empty(nft.Diagnostics);

        var report = Matrix(HostRuleset.Merge(Read(new DockerHost().ToString()), nft.Value!));

        Assert.Equal(AllOpeningOnly, Assert.Single(Entry(report, "192.0.2.3", "192.0.2.2").Flows));
        Assert.Equal(new AllowedFlow("all", null, null, "one-way"), Assert.Single(Entry(report, "192.0.2.2", "192.0.2.3").Flows));
    }

    [Fact]
    public void Docker_own_rules_leave_every_connection_whole()
    {
        var report = Matrix(new DockerHost());

        Assert.Equal(ReachabilityVerdict.Allowed, Entry(report, "192.0.2.3", "192.0.2.2").Verdict);
        Assert.DoesNotContain(report.Reachability.SelectMany(r => r.Flows), f => f.Kind == "opening-only");
    }
}
