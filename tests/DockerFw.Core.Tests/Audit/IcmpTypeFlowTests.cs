using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Analysis;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// A flow names its ICMP types where they differ: each query has its own reply (a timestamp request 13
/// is answered by 14, an echo request 8 by 0) and its own later packets, so a drop of timestamp
/// replies makes <c>icmp type 13</c> one-way and leaves echo a connection. The flows kept ICMP's types
/// whole: such a drop made every ping between the networks read as one-way.
/// </summary>
public sealed class IcmpTypeFlowTests
{
    // bridge1's containers open anything to bridge2's, past the rules given; c1 at 192.0.2.2 on bridge1, c3 at 198.51.100.2 on bridge2.
    private static AuditReport Opened(string rules) => Auditor.Run(Context(new DockerHost(User: $"""
            {rules}
            -A DOCKER-USER -i bridge1 -o bridge2 -j ACCEPT
            -A DOCKER-USER -i bridge2 -o bridge1 -j ACCEPT
            """).ToString(), Sysctl("net.bridge.bridge-nf-call-iptables=1"),
        EngineView.TwoBridges(true, EngineView.Container("c3", "bridge2", "198.51.100.2"))) with { ContainerMatrix = true });

    private static ReachabilityEntry Pair(AuditReport report) => Assert.Single(report.Reachability, e => e.From == "bridge1" && e.To == "bridge2");

    private static ContainerReachabilityEntry C1ToC3(AuditReport report) =>
        Assert.Single(report.ContainersReachability!.Value, e => e.FromAddress == "192.0.2.2" && e.ToAddress == "198.51.100.2");

    private static readonly AllowedFlow TimestampOneWay = new("icmp", null, null, ReplyFate.OneWay, IcmpTypes: "13");

    private static readonly AllowedFlow OtherQueries = new("icmp", null, null, ReplyFate.Connection, IcmpTypes: "8,15,17");

    [Fact]
    public void A_drop_of_timestamp_replies_makes_only_timestamp_requests_one_way_between_networks_and_echo_a_connection()
    {
        var pair = Pair(Opened("-A DOCKER-USER -i bridge2 -o bridge1 -p icmp -m icmp --icmp-type 14 -j DROP"));

        Assert.Equal(ReachabilityVerdict.Partial, pair.Verdict);
        Assert.Equal([new AllowedFlow("all but icmp", null, null, ReplyFate.Connection), OtherQueries, TimestampOneWay], pair.Flows.OrderBy(f => f.Kind).ThenBy(f => f.Protocol));
    }

    [Fact]
    public void The_container_matrix_cuts_the_same_pair_by_icmp_type_too()
    {
        var entry = C1ToC3(Opened("-A DOCKER-USER -i bridge2 -o bridge1 -p icmp -m icmp --icmp-type 14 -j DROP"));

        Assert.Contains(TimestampOneWay, entry.Flows);
        Assert.Contains(OtherQueries, entry.Flows);
        Assert.Equal([TimestampOneWay], entry.Flows.Where(f => f.Kind != ReplyFate.Connection));
    }

    [Fact]
    public void A_drop_of_the_later_timestamp_requests_makes_only_them_opening_only()
    {
        var pair = Pair(Opened("-A DOCKER-USER -i bridge1 -o bridge2 -p icmp -m icmp --icmp-type 13 -m conntrack --ctstate ESTABLISHED -j DROP"));

        Assert.Equal([new AllowedFlow("icmp", null, null, ReplyFate.OpeningOnly, IcmpTypes: "13")], pair.Flows.Where(f => f.Kind != ReplyFate.Connection));
        Assert.Contains(OtherQueries, pair.Flows);
    }

    [Fact]
    public void A_pair_open_to_echo_requests_alone_names_them()
    {
        // Only pings pass: "icmp" would claim timestamp, information and address mask requests too.
        var report = Auditor.Run(Context(new DockerHost(User: """
            -A DOCKER-USER -i bridge1 -o bridge2 -p icmp -m icmp --icmp-type 8 -j ACCEPT
            -A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
            """).ToString(), Sysctl("net.bridge.bridge-nf-call-iptables=1")));

        Assert.Equal(new AllowedFlow("icmp", null, null, ReplyFate.Connection, IcmpTypes: "8"), Assert.Single(Pair(report).Flows));
    }

    [Fact]
    public void A_flow_says_its_icmp_types_in_words()
    {
        Assert.Equal("icmp type 13 (one-way: replies blocked)", FlowWords.Of(TimestampOneWay));
        Assert.Equal("icmp types 8,15,17", FlowWords.Of(OtherQueries));
    }
}
