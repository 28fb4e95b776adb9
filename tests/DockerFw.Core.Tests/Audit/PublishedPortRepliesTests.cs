using System.Collections.Immutable;
using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.IpSets;
using DockerFw.Core.Syntax.NftJson;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// A published port's connections need their replies (oracle F35, seed 4234): a rule that drops what
/// the container sends (its source address, an ipset of hosts matched <c>src</c>, an nft rule on
/// <c>ip saddr</c>) lets every request in and no connection complete. The replies are proven over
/// every connection that gets in, per client and source port: <c>replies_dropped</c> is <c>all</c>
/// or names the connections whose replies die, and DFW511 gives the rule that drops them.
/// </summary>
public sealed class PublishedPortRepliesTests
{
    private static AuditReport Audit(Ruleset v4, ImmutableDictionary<string, IpSetMembers>? sets = null) =>
        Auditor.Run(new AuditContext(v4, Ruleset.Empty(IpFamily.V6), DockerView.Empty, HostSettings.Unknown)
        {
            IpSets = sets ?? ImmutableDictionary<string, IpSetMembers>.Empty,
        });

    private static AddressMask Mask(string text) => AddressMask.TryParse(text, IpFamily.V4, out var mask) ? mask! : throw new ArgumentException(text);

    private static void RepliesAllDie(AuditReport report, string droppingRule)
    {
        var port = Assert.Single(report.PublishedPorts);
        Assert.Equal((true, "all"), (port.FilterAccepts, port.RepliesDropped));
        var dead = Assert.Single(report.Findings, f => f.Code == FindingCodes.PublishedPortBlocked);
        Assert.Contains("drops every reply from the container: no connection completes", dead.Message, StringComparison.Ordinal);
        Assert.Contains(dead.Evidence, e => e.Text.Contains(droppingRule, StringComparison.Ordinal) && e.Role == "drops the container's replies");
    }

    [Fact]
    public void A_drop_of_the_container_source_address_kills_every_reply_of_the_port()
    {
        // The SYN from outside gets in (its source is the client); the SYN,ACK from 192.0.2.2 dies in DOCKER-USER.
        var report = Report(new DockerHost(User: "-A DOCKER-USER -s 192.0.2.2/32 -j DROP").ToString());

        RepliesAllDie(report, "-s 192.0.2.2/32 -j DROP");
    }

    [Fact]
    public void An_ipset_of_hosts_matched_on_the_source_kills_every_reply_of_the_port()
    {
        // Seed 4234's tamper: a hash:ip set tests the source alone ("src,dst" names more than the set has).
        var report = Audit(Read(new DockerHost(User: "-A DOCKER-USER -m set --match-set dfw-hosts src,dst -j DROP").ToString()),
            ImmutableDictionary<string, IpSetMembers>.Empty.Add("dfw-hosts", IpSetMembers.Of(Mask("192.0.2.2/32"))));

        RepliesAllDie(report, "--match-set dfw-hosts src,dst -j DROP");
    }

    [Fact]
    public void An_nft_forward_chain_dropping_the_container_source_kills_every_reply_of_the_port()
    {
        // An admin's own table beside Docker's iptables rules: the kernel runs both forward hooks.
        const string nft = """
            {"nftables": [{"table": {"family": "inet", "name": "admin", "handle": 1}},
             {"chain": {"family": "inet", "table": "admin", "name": "forward", "handle": 1, "type": "filter", "hook": "forward", "prio": 0, "policy": "accept"}},
             {"rule": {"family": "inet", "table": "admin", "chain": "forward", "handle": 2, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": "192.0.2.2"}}, {"drop": null}]}}]}
            """;
        var read = NftJsonReader.Read(nft, "admin.json");
        Assert.Empty(read.Diagnostics);

        var report = Audit(HostRuleset.Merge(Read(new DockerHost().ToString()), read.Value!));

        var port = Assert.Single(report.PublishedPorts);
        Assert.Equal((true, "all"), (port.FilterAccepts, port.RepliesDropped));
        var dead = Assert.Single(report.Findings, f => f.Code == FindingCodes.PublishedPortBlocked);
        Assert.Contains(dead.Evidence, e => e.Table == "inet admin" && e.Role == "drops the container's replies");
    }

    [Fact]
    public void Replies_dropped_to_one_client_make_only_its_connections_one_way()
    {
        // Not "all": every other client gets its replies (the whole port was called one-way when a reply died for any client).
        var report = Report(new DockerHost(User: "-A DOCKER-USER -s 192.0.2.2/32 -d 100.64.0.7/32 -j DROP").ToString());

        var port = Assert.Single(report.PublishedPorts);
        Assert.Equal((true, "from 100.64.0.7"), (port.FilterAccepts, port.RepliesDropped));
        var oneWay = Assert.Single(report.Findings, f => f.Code == FindingCodes.PublishedPortBlocked);
        Assert.Contains("drops the container's replies to the connections from 100.64.0.7: those are one-way", oneWay.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Replies_dropped_to_one_client_source_port_name_that_port()
    {
        // A reply's destination port is the client's source port.
        var report = Report(new DockerHost(User: "-A DOCKER-USER -s 192.0.2.2/32 -p tcp -m tcp --dport 20990 -j DROP").ToString());

        Assert.Equal("from source port 20990", Assert.Single(report.PublishedPorts).RepliesDropped);
    }

    [Fact]
    public void Docker_own_rules_let_every_reply_of_the_port_back()
    {
        var report = Report(new DockerHost().ToString());

        Assert.Null(Assert.Single(report.PublishedPorts).RepliesDropped);
        Assert.DoesNotContain(report.Findings, f => f.Code == FindingCodes.PublishedPortBlocked);
    }

    [Fact]
    public void A_drop_of_the_container_source_address_on_new_packets_only_leaves_the_replies_alone()
    {
        // The container's own new connections are dropped, its replies are ESTABLISHED: the port works.
        var report = Report(new DockerHost(User: "-A DOCKER-USER -s 192.0.2.2/32 -m conntrack --ctstate NEW -j DROP").ToString());

        Assert.Null(Assert.Single(report.PublishedPorts).RepliesDropped);
    }
}
