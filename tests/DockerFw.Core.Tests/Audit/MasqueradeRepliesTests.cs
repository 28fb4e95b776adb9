using System.Collections.Immutable;
using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.NftJson;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// A masqueraded network's connections out need their replies (oracle F35): the answer is de-NATed
/// before FORWARD, so a rule on the container's address in the reply direction (plain, an ipset
/// matched <c>dst</c>, an nft <c>ip daddr</c> drop) or on a remote source leaves every connection
/// one-way while the NAT is as it should be. <c>masquerade.replies_dropped</c> says <c>all</c> or
/// which connections, DFW406 names the rule; what the filter does to the requests is the host's
/// egress policy, which this fact does not judge.
/// </summary>
public sealed class MasqueradeRepliesTests
{
    private static AuditReport Audit(Ruleset v4, DockerView view, ImmutableDictionary<string, ImmutableArray<AddressMask>>? sets = null) =>
        Auditor.Run(new AuditContext(v4, Ruleset.Empty(IpFamily.V6), view, HostSettings.Unknown)
        {
            IpSets = sets ?? ImmutableDictionary<string, ImmutableArray<AddressMask>>.Empty,
        });

    private static Setting Bridge1(AuditReport report) => report.Networks.Single(n => n.Name == "bridge1").Masquerade;

    private static void EveryReplyDies(AuditReport report, Func<Evidence, bool> droppingRule)
    {
        Assert.Equal((true, "all"), (Bridge1(report).Effective, Bridge1(report).RepliesDropped));
        var oneWay = Assert.Single(report.Findings, f => f.Code == FindingCodes.MasqueradedRepliesDropped);
        Assert.StartsWith("bridge1's outbound traffic is NATed, but the filter drops every reply to its containers: no connection out completes", oneWay.Message, StringComparison.Ordinal);
        Assert.Contains(oneWay.Evidence, e => droppingRule(e) && e.Role == "drops the container's replies");
    }

    [Fact]
    public void A_drop_of_the_container_address_kills_every_reply_of_its_connections_out()
    {
        // Meant to shield c1 from the other networks; its answers from outside are de-NATed to 192.0.2.2 first.
        var report = Report(new DockerHost(User: "-A DOCKER-USER -d 192.0.2.2/32 -j DROP").ToString(), view: EngineView.TwoBridges());

        EveryReplyDies(report, e => e.Text.Contains("-d 192.0.2.2/32 -j DROP", StringComparison.Ordinal));
    }

    [Fact]
    public void An_ipset_of_hosts_matched_on_the_destination_kills_every_reply_of_the_connections_out()
    {
        var sets = ImmutableDictionary<string, ImmutableArray<AddressMask>>.Empty.Add("dfw-hosts", [Mask("192.0.2.2/32")]);
        var report = Audit(Read(new DockerHost(User: "-A DOCKER-USER -m set --match-set dfw-hosts dst -j DROP").ToString()), EngineView.TwoBridges(), sets);

        EveryReplyDies(report, e => e.Text.Contains("--match-set dfw-hosts dst -j DROP", StringComparison.Ordinal));
    }

    [Fact]
    public void An_nft_forward_chain_dropping_the_container_destination_kills_every_reply_of_the_connections_out()
    {
        const string nft = """
            {"nftables": [{"table": {"family": "inet", "name": "admin", "handle": 1}},
             {"chain": {"family": "inet", "table": "admin", "name": "forward", "handle": 1, "type": "filter", "hook": "forward", "prio": 0, "policy": "accept"}},
             {"rule": {"family": "inet", "table": "admin", "chain": "forward", "handle": 2, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": "192.0.2.2"}}, {"drop": null}]}}]}
            """;
        var read = NftJsonReader.Read(nft, "admin.json");
        Assert.Empty(read.Diagnostics);

        var report = Audit(HostRuleset.Merge(Read(new DockerHost().ToString()), read.Value!), EngineView.TwoBridges());

        EveryReplyDies(report, e => e.Table == "inet admin");
    }

    [Fact]
    public void A_drop_of_remote_sources_makes_the_connections_to_them_one_way()
    {
        var report = Report(new DockerHost(User: "-A DOCKER-USER -s 203.0.113.0/24 -j DROP").ToString(), view: EngineView.TwoBridges());

        Assert.Equal("to 203.0.113.0/24", Bridge1(report).RepliesDropped);
        var oneWay = Assert.Single(report.Findings, f => f.Code == FindingCodes.MasqueradedRepliesDropped && f.Networks.Contains("bridge1"));
        Assert.Contains("drops the replies to its connections to 203.0.113.0/24: those are one-way", oneWay.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_docker_data_the_replies_are_judged_for_every_address_of_the_subnet()
    {
        // One container address of 253: the others get their replies.
        var report = Report(new DockerHost(User: "-A DOCKER-USER -d 192.0.2.2/32 -j DROP").ToString());

        Assert.Equal("from 192.0.2.2", Bridge1(report).RepliesDropped);
    }

    [Fact]
    public void Docker_own_rules_let_every_reply_of_the_connections_out_back()
    {
        var report = Report(new DockerHost().ToString(), view: EngineView.TwoBridges());

        Assert.All(report.Networks, n => Assert.Null(n.Masquerade.RepliesDropped));
        Assert.DoesNotContain(report.Findings, f => f.Code == FindingCodes.MasqueradedRepliesDropped);
    }

    [Fact]
    public void A_drop_of_the_container_source_closes_its_way_out_but_is_no_reply_drop()
    {
        // Seed 4234's dfw-hosts matched src: c1's requests never leave (the host's egress policy, not the
        // masquerade's fact); the answers to the other containers' requests would come back.
        var report = Report(new DockerHost(User: "-A DOCKER-USER -s 192.0.2.2/32 -j DROP").ToString(), view: EngineView.TwoBridges());

        Assert.Equal(((bool?)true, (string?)null), (Bridge1(report).Effective, Bridge1(report).RepliesDropped));
    }

    private static AddressMask Mask(string text) => AddressMask.TryParse(text, IpFamily.V4, out var mask) ? mask! : throw new ArgumentException(text);
}
