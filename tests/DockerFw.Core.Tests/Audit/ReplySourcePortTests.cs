using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.NftJson;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// A connection's replies travel to the client's source port, so a drop of one port in the reply
/// direction makes one-way only the connections from that source port; a rule that accepts from one
/// source port opens only that. The flows say so (oracle findings F1, F2, F3).
/// </summary>
public sealed class ReplySourcePortTests
{
    // c1 192.0.2.2 and c2 192.0.2.3 on bridge1; c3 198.51.100.2 and c4 198.51.100.3 on bridge2.
    private static readonly DockerView Containers = EngineView.TwoBridges(true,
        EngineView.Container("c2", "bridge1", "192.0.2.3"),
        EngineView.Container("c3", "bridge2", "198.51.100.2"),
        EngineView.Container("c4", "bridge2", "198.51.100.3"));

    private static readonly HostSettings BrNetfilter = Sysctl("net.bridge.bridge-nf-call-iptables=1");

    private static AuditReport Matrix(Ruleset v4) =>
        Auditor.Run(new AuditContext(v4, Ruleset.Empty(IpFamily.V6), Containers, BrNetfilter) { ContainerMatrix = true });

    private static AuditReport Matrix(DockerHost host) => Matrix(Read(host.ToString()));

    private static ContainerReachabilityEntry Entry(AuditReport report, string from, string to) =>
        Assert.Single(report.ContainersReachability!.Value, e => e.FromAddress == from && e.ToAddress == to);

    private static AllowedFlow Tcp(string? ports, string? sources, string kind) => new("tcp", ports, null, kind, SourcePorts: sources);

    /// <summary>F1: DOCKER-USER sees the replies too, and a reply's destination port is the client's source port.</summary>
    private static readonly DockerHost HostPortDropped = new(User: "-A DOCKER-USER -p tcp -m tcp --dport 20990 -j DROP");

    [Fact]
    public void A_drop_of_one_tcp_port_leaves_connections_from_other_source_ports_whole()
    {
        var entry = Entry(Matrix(HostPortDropped), "192.0.2.2", "192.0.2.3");

        Assert.Equal(ReachabilityVerdict.Partial, entry.Verdict);
        Assert.Contains(Tcp("0-20989,20991-65535", "0-20989,20991-65535", "connection"), entry.Flows);
        Assert.Contains(Tcp("0-20989,20991-65535", "20990", "one-way"), entry.Flows);
        // Every other protocol is one flow: the walk's pieces of udp, icmp and the rest say the same.
        Assert.Contains(new AllowedFlow("all but tcp", null, null, "connection"), entry.Flows);
    }

    [Fact]
    public void Icc_partial_by_a_dropped_port_says_which_source_port_loses_its_replies()
    {
        var icc = Assert.Single(Matrix(HostPortDropped).Networks, n => n.Name == "bridge1").Icc;

        Assert.Contains(Tcp("0-20989,20991-65535", "0-20989,20991-65535", "connection"), icc.PartialFlows!.Value);
        Assert.Contains(Tcp("0-20989,20991-65535", "20990", "one-way"), icc.PartialFlows!.Value);
    }

    [Fact]
    public void Between_networks_a_dropped_port_makes_one_way_only_the_connections_from_it()
    {
        var report = Matrix(HostPortDropped with
        {
            User = """
                -A DOCKER-USER -p tcp -m tcp --dport 20990 -j DROP
                -A DOCKER-USER -s 198.51.100.0/24 -d 192.0.2.0/24 -j ACCEPT
                -A DOCKER-USER -s 192.0.2.0/24 -d 198.51.100.0/24 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
                """,
        });

        var pair = Assert.Single(report.Reachability, r => r.From == "bridge2" && r.To == "bridge1");
        Assert.Equal(ReachabilityVerdict.Partial, pair.Verdict);
        Assert.Contains(pair.Flows, f => f is { Protocol: "tcp", SourcePorts: "0-20989,20991-65535", Kind: "connection" });
        Assert.Contains(pair.Flows, f => f is { Protocol: "tcp", SourcePorts: "20990", Kind: "one-way" });
        Assert.DoesNotContain(pair.Flows, f => f.Protocol != "tcp" && f.Kind == "one-way");
    }

    /// <summary>F2: Docker's legacy-link rules for c3 (client) linked to c4 (server, tcp/5432), icc off.</summary>
    private static readonly DockerHost Linked = new(Bridge2IccOff: true, Docker: """
        -A DOCKER -s 198.51.100.2/32 -d 198.51.100.3/32 -i bridge2 -o bridge2 -p tcp -m tcp --dport 5432 -j ACCEPT
        -A DOCKER -s 198.51.100.3/32 -d 198.51.100.2/32 -i bridge2 -o bridge2 -p tcp -m tcp --sport 5432 -j ACCEPT
        """);

    [Fact]
    public void A_links_reply_rule_opens_the_server_to_its_client_from_the_exposed_source_port_only()
    {
        var report = Matrix(Linked);

        var back = Entry(report, "198.51.100.3", "198.51.100.2");
        Assert.Equal(ReachabilityVerdict.Partial, back.Verdict);
        Assert.Equal(Tcp(null, "5432", "connection"), Assert.Single(back.Flows));
        Assert.Equal(Tcp("5432", null, "connection"), Assert.Single(Entry(report, "198.51.100.2", "198.51.100.3").Flows));
    }

    /// <summary>F3: a native nft table drops what is sent to c1's tcp/2342, at a priority before iptables': c1's replies too.</summary>
    private const string GuardTable = """
        {"nftables": [{"table": {"family": "inet", "name": "guard", "handle": 3}},
         {"chain": {"family": "inet", "table": "guard", "name": "guard_forward", "handle": 1, "type": "filter", "hook": "forward", "prio": -10, "policy": "accept"}},
         {"rule": {"family": "inet", "table": "guard", "chain": "guard_forward", "handle": 2, "expr": [
           {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": "192.0.2.2"}},
           {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 2342}},
           {"drop": null}]}}]}
        """;

    [Fact]
    public void A_native_drop_of_a_container_port_leaves_every_other_protocol_from_the_client_a_connection()
    {
        var nft = NftJsonReader.Read(GuardTable, "guard.json");
        Assert.Empty(nft.Diagnostics);

        var entry = Entry(Matrix(HostRuleset.Merge(Read(new DockerHost().ToString()), nft.Value!)), "192.0.2.2", "192.0.2.3");

        Assert.Equal(ReachabilityVerdict.Partial, entry.Verdict);
        Assert.Equal(["tcp from source port 2342"], entry.Flows.Where(f => f.Kind == "one-way").Select(Core.Audit.Analysis.FlowWords.Of).Select(w => w.Replace(" (one-way: replies blocked)", "")));
        Assert.Contains(Tcp(null, "0-2341,2343-65535", "connection"), entry.Flows);
        Assert.Contains(new AllowedFlow("all but tcp", null, null, "connection"), entry.Flows);
    }

    [Fact]
    public void Replies_dropped_for_every_port_still_make_the_whole_flow_one_way()
    {
        var entry = Entry(Matrix(new DockerHost(User: "-A DOCKER-USER -s 192.0.2.3/32 -d 192.0.2.2/32 -j DROP")), "192.0.2.2", "192.0.2.3");

        Assert.Equal(ReachabilityVerdict.Partial, entry.Verdict);
        Assert.Equal(new AllowedFlow("all", null, null, "one-way"), Assert.Single(entry.Flows));
    }
}
