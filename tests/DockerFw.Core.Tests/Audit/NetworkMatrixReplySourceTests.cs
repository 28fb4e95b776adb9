using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.IpSets;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.NftJson;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// A rule that drops the replies to some addresses of a network makes one-way only the connections
/// from those addresses: the network matrix's flows name their sources where they differ, the
/// container matrix's pairs (one source each) are exact by themselves (oracle F34, seed 4236: an
/// ipset holding n0's subnet with c0 as a nomatch entry; c0's connections got their replies).
/// </summary>
public sealed class NetworkMatrixReplySourceTests
{
    // c1 192.0.2.2 on bridge1; c3 198.51.100.2 and c4 198.51.100.200 on bridge2.
    private static readonly DockerView Containers = EngineView.TwoBridges(true,
        EngineView.Container("c3", "bridge2", "198.51.100.2"),
        EngineView.Container("c4", "bridge2", "198.51.100.200"));

    private static readonly HostSettings BrNetfilter = Sysctl("net.bridge.bridge-nf-call-iptables=1");

    // bridge2 -> bridge1 opened, and its replies accepted unless the drop before takes them.
    private static string Opened(string replyDrop) => new DockerHost(User: $"""
        -A DOCKER-USER -i bridge2 -o bridge1 -j ACCEPT
        {replyDrop}
        -A DOCKER-USER -i bridge1 -o bridge2 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
        """).ToString();

    private static AuditReport Audit(Ruleset v4, IpSetListing? sets = null) =>
        Auditor.Run(new AuditContext(v4, Ruleset.Empty(IpFamily.V6), Containers, BrNetfilter)
        {
            ContainerMatrix = true,
            IpSets = (sets ?? IpSetListing.Empty).Members,
        });

    private static ReachabilityEntry Pair(AuditReport report) =>
        Assert.Single(report.Reachability, e => e is { From: "bridge2", To: "bridge1" });

    private static ContainerReachabilityEntry Entry(AuditReport report, string from) =>
        Assert.Single(report.ContainersReachability!.Value, e => e.FromAddress == from && e.ToAddress == "192.0.2.2");

    /// <summary>Every one-way flow names <paramref name="oneWay"/> as its sources, every connection <paramref name="connection"/>, over the same protocols.</summary>
    private static void AssertSplitBySource(ReachabilityEntry pair, string oneWay, string connection)
    {
        Assert.Equal(ReachabilityVerdict.Partial, pair.Verdict);
        var ways = pair.Flows.Where(f => f.Kind == ReplyFate.OneWay).ToList();
        var connections = pair.Flows.Where(f => f.Kind == ReplyFate.Connection).ToList();
        Assert.NotEmpty(ways);
        Assert.All(ways, f => Assert.Equal((oneWay, false, (string?)null), (f.Sources, f.Possible, f.Destinations)));
        Assert.All(connections, f => Assert.Equal((connection, false, (string?)null), (f.Sources, f.Possible, f.Destinations)));
        Assert.Equal(ways.Select(f => (f.Protocol, f.Ports, f.SourcePorts)).Order(), connections.Select(f => (f.Protocol, f.Ports, f.SourcePorts)).Order());
    }

    [Fact]
    public void A_reply_drop_to_half_of_the_source_subnet_makes_one_way_only_the_connections_from_that_half()
    {
        var report = Audit(Read(Opened("-A DOCKER-USER -i bridge1 -o bridge2 -d 198.51.100.0/25 -j DROP")));

        // One source each: the container matrix was exact before the network matrix was.
        Assert.Equal(new AllowedFlow("all", null, null, ReplyFate.OneWay), Assert.Single(Entry(report, "198.51.100.2").Flows));
        Assert.Equal(ReachabilityVerdict.Allowed, Entry(report, "198.51.100.200").Verdict);
        AssertSplitBySource(Pair(report), oneWay: "any but 198.51.100.128/25", connection: "198.51.100.128/25");
    }

    [Fact]
    public void An_ipset_whose_nomatch_entry_spares_one_source_leaves_that_sources_connections_whole()
    {
        var sets = IpsetSaveReader.Read("""
            create dfw-nets hash:net family inet
            add dfw-nets 198.51.100.0/24
            add dfw-nets 198.51.100.2 nomatch

            """, "ipset.save").Value!;

        var report = Audit(Read(Opened("-A DOCKER-USER -i bridge1 -m set --match-set dfw-nets dst -j DROP")), sets);

        Assert.Equal(ReachabilityVerdict.Allowed, Entry(report, "198.51.100.2").Verdict);
        Assert.Equal(new AllowedFlow("all", null, null, ReplyFate.OneWay), Assert.Single(Entry(report, "198.51.100.200").Flows));
        AssertSplitBySource(Pair(report), oneWay: "any but 198.51.100.2", connection: "198.51.100.2");
    }

    // A native table's forward chain before iptables' drops what bridge1 sends to the lower half of bridge2: the replies too.
    private const string LowerHalfTable = """
        {"nftables": [{"table": {"family": "inet", "name": "guard", "handle": 3}},
         {"chain": {"family": "inet", "table": "guard", "name": "guard_forward", "handle": 1, "type": "filter", "hook": "forward", "prio": -10, "policy": "accept"}},
         {"rule": {"family": "inet", "table": "guard", "chain": "guard_forward", "handle": 2, "expr": [
           {"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "bridge1"}},
           {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": {"prefix": {"addr": "198.51.100.0", "len": 25}}}},
           {"drop": null}]}}]}
        """;

    [Fact]
    public void A_native_nft_drop_of_the_replies_to_half_of_the_sources_is_split_the_same_way()
    {
        var nft = NftJsonReader.Read(LowerHalfTable, "guard.json");
        Assert.Empty(nft.Diagnostics);

        var report = Audit(HostRuleset.Merge(Read(Opened("")), nft.Value!));

        AssertSplitBySource(Pair(report), oneWay: "any but 198.51.100.128/25", connection: "198.51.100.128/25");
    }

    [Fact]
    public void Icc_partial_by_replies_dropped_to_one_container_says_whose_connections_are_one_way()
    {
        var report = Audit(Read(new DockerHost(User: "-A DOCKER-USER -i bridge2 -o bridge2 -d 198.51.100.0/25 -m conntrack --ctstate RELATED,ESTABLISHED -j DROP").ToString()));

        var icc = Assert.Single(report.Networks, n => n.Name == "bridge2").Icc;
        var flows = icc.PartialFlows!.Value;
        Assert.All(flows.Where(f => f.Kind == ReplyFate.OneWay), f => Assert.Equal("198.51.100.2", f.Sources));
        // .200's replies pass, but its later packets to .2 are ESTABLISHED too and die (oracle F38):
        // its connections open and carry nothing. This test said "connection" before.
        Assert.All(flows.Where(f => f.Kind == ReplyFate.OpeningOnly), f => Assert.Equal("198.51.100.200", f.Sources));
        Assert.Contains(flows, f => f.Kind == ReplyFate.OneWay);
        Assert.Contains(flows, f => f.Kind == ReplyFate.OpeningOnly);
        Assert.DoesNotContain(flows, f => f.Kind == ReplyFate.Connection);
    }

    [Fact]
    public void Replies_that_die_for_every_source_name_none()
    {
        var pair = Pair(Audit(Read(Opened("-A DOCKER-USER -i bridge1 -o bridge2 -d 198.51.100.0/24 -j DROP"))));

        Assert.Equal((ReachabilityVerdict.Partial, new AllowedFlow("all", null, null, ReplyFate.OneWay)), (pair.Verdict, Assert.Single(pair.Flows)));
    }

    [Fact]
    public void A_flow_opened_for_some_sources_only_names_them()
    {
        var report = Audit(Read(new DockerHost(User: """
            -A DOCKER-USER -i bridge2 -o bridge1 -s 198.51.100.2/32 -p tcp -j ACCEPT
            -A DOCKER-USER -i bridge1 -o bridge2 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
            """).ToString()));

        var pair = Pair(report);
        Assert.Equal(ReachabilityVerdict.Partial, pair.Verdict);
        Assert.Equal(new AllowedFlow("tcp", null, null, ReplyFate.Connection, Sources: "198.51.100.2"), Assert.Single(pair.Flows));
        Assert.Equal("tcp from 198.51.100.2", FlowWords.Of(Assert.Single(pair.Flows)));
    }

    [Fact]
    public void Sources_are_told_apart_by_the_destinations_they_reach()
    {
        var (a, b, x, y) = (IntervalSet.Range(1, 9), IntervalSet.Range(10, 19), IntervalSet.Single(100), IntervalSet.Single(200));

        Assert.Equal([(a, x.Union(y)), (b, x)], SourceClasses.Of([(a.Union(b), x), (a, y)]));
        Assert.Equal([(a.Union(b), x.Union(y))], SourceClasses.Of([(a.Union(b), x), (a.Union(b), y)]));
        Assert.Equal([(a.Union(b), x)], SourceClasses.Of([(a, x), (b, x)]));
    }

    [Fact]
    public void Between_the_containers_of_one_network_a_source_reaching_every_other_reaches_all()
    {
        var (c2, c3) = (IntervalSet.Single(2), IntervalSet.Single(3));
        var both = c2.Union(c3);

        // c2 to c3, and c3 to both (its packets to itself never leave it): one flow between any two.
        Assert.Equal([(both, both)], SourceClasses.Of([(c2, c3), (c3, both)], selfless: both));
        // Only packets to itself: c2 reaches nothing; c3 reaches c2, told as such.
        Assert.Equal([(c3, c2)], SourceClasses.Of([(c2, c2), (c3, c2)], selfless: both));
        // c2 to c3 only, of three: c3 and c4 are no destination of c2's.
        var three = both.Union(IntervalSet.Single(4));
        Assert.Equal([(c2, c3), (c3, three.Subtract(c3))], SourceClasses.Of([(c2, c3), (c3, three)], selfless: three));
        // c2 reaches c3 and c4 reaches c3: the same flow "to c3", from both.
        var c4 = IntervalSet.Single(4);
        Assert.Equal([(c2.Union(c4), c3)], SourceClasses.Of([(c2, c3), (c4, c3)], selfless: both.Union(c4)));
    }
}
