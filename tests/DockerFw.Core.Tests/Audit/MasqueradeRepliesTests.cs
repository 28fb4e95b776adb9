using System.Collections.Immutable;
using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.IpSets;
using DockerFw.Core.Semantics.Routing;
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
    private static AuditReport Audit(Ruleset v4, DockerView view, ImmutableDictionary<string, IpSetMembers>? sets = null) =>
        Auditor.Run(new AuditContext(v4, Ruleset.Empty(IpFamily.V6), view, HostSettings.Unknown)
        {
            IpSets = sets ?? ImmutableDictionary<string, IpSetMembers>.Empty,
        });

    private static Setting Bridge1(AuditReport report) => report.Networks.Single(n => n.Name == "bridge1").Masquerade;

    private static void EveryReplyDies(AuditReport report, Func<Evidence, bool> droppingRule)
    {
        Assert.Equal((true, "all"), (Bridge1(report).Effective, Bridge1(report).RepliesDropped));
        var oneWay = Assert.Single(report.Findings, f => f.Code == FindingCodes.MasqueradedRepliesDropped && f.Networks.Contains("bridge1"));
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
        var sets = ImmutableDictionary<string, IpSetMembers>.Empty.Add("dfw-hosts", IpSetMembers.Of(Mask("192.0.2.2/32")));
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

    // ip -j route show table all: eth0 203.0.113.5/24 with the default route, the two bridges.
    private const string Routes = """
        [{"dst":"default","gateway":"203.0.113.1","dev":"eth0","protocol":"static","flags":[]},
         {"dst":"203.0.113.0/24","dev":"eth0","protocol":"kernel","scope":"link","prefsrc":"203.0.113.5","flags":[]},
         {"dst":"192.0.2.0/24","dev":"bridge1","protocol":"kernel","scope":"link","prefsrc":"192.0.2.1","flags":[]},
         {"dst":"198.51.100.0/24","dev":"bridge2","protocol":"kernel","scope":"link","prefsrc":"198.51.100.1","flags":[]},
         {"type":"local","dst":"203.0.113.5","dev":"eth0","table":"local","protocol":"kernel","scope":"host","prefsrc":"203.0.113.5","flags":[]},
         {"type":"local","dst":"192.0.2.1","dev":"bridge1","table":"local","protocol":"kernel","scope":"host","prefsrc":"192.0.2.1","flags":[]},
         {"type":"local","dst":"198.51.100.1","dev":"bridge2","table":"local","protocol":"kernel","scope":"host","prefsrc":"198.51.100.1","flags":[]},
         {"type":"local","dst":"127.0.0.1","dev":"lo","table":"local","protocol":"kernel","scope":"host","prefsrc":"127.0.0.1","flags":[]}]
        """;

    /// <summary><see cref="Routes"/> with one more local route (an address of the host) listed before loopback's.</summary>
    private static string RoutesWith(string localRoute) =>
        Routes.Replace("""{"type":"local","dst":"127.0.0.1",""", localRoute + """{"type":"local","dst":"127.0.0.1",""", StringComparison.Ordinal);

    /// <summary>The audit with the host's routes read whole (live mode, a bundle, --routes): its addresses are known.</summary>
    private static AuditReport WithRoutes(string dump, string routes = Routes)
    {
        var table = RouteListReader.Read(routes, "routes.json");
        Assert.Empty(table.Diagnostics);
        return Auditor.Run(Context(dump, view: EngineView.TwoBridges()) with { Routes = table.Value });
    }

    private static void RepliesDieIn(AuditReport report, string dropped, string chain, string rule)
    {
        Assert.Equal(dropped, Bridge1(report).RepliesDropped);
        var oneWay = Assert.Single(report.Findings, f => f.Code == FindingCodes.MasqueradedRepliesDropped && f.Networks.Contains("bridge1"));
        Assert.Contains(oneWay.Evidence, e => e.Chain == chain && e.Text.Contains(rule, StringComparison.Ordinal) && e.Role == "drops the container's replies");
    }

    [Fact]
    public void A_raw_prerouting_drop_of_the_host_address_kills_the_replies_as_they_arrive_before_conntrack_undoes_the_masquerade()
    {
        // The replies arrive addressed to 203.0.113.5, eth0's address MASQUERADE gave them, from the remote's port 443.
        var report = WithRoutes(new DockerHost(Raw: "-A PREROUTING -d 203.0.113.5/32 -p tcp -m tcp --sport 443 -j DROP").ToString());

        RepliesDieIn(report, "tcp/443", "PREROUTING", "-d 203.0.113.5/32 -p tcp -m tcp --sport 443 -j DROP");
    }

    [Fact]
    public void A_secondary_address_of_the_uplink_is_never_given_so_a_drop_of_the_primary_kills_every_reply()
    {
        // 203.0.113.6 added after .5 in the same subnet is secondary: it has no connected route, and
        // MASQUERADE (inet_select_addr) never picks it (the random lab's uplink, seeds 4848, 4903, 4939).
        const string secondary = """{"type":"local","dst":"203.0.113.6","dev":"eth0","table":"local","protocol":"kernel","scope":"host","prefsrc":"203.0.113.5","flags":[]},""";
        var report = WithRoutes(new DockerHost(Raw: "-A PREROUTING -d 203.0.113.5/32 -i eth0 -j DROP").ToString(), RoutesWith(secondary));

        RepliesDieIn(report, "all", "PREROUTING", "-d 203.0.113.5/32 -i eth0 -j DROP");
    }

    [Fact]
    public void A_raw_drop_of_one_of_two_addresses_masquerade_may_give_is_said_uncertain_not_dropped()
    {
        // 198.18.0.50/32 on eth0 makes no connected route: whether MASQUERADE gives it or .5 the routes cannot say,
        // so the replies to .5 dying is neither a drop of every reply of tcp/443 nor nothing.
        const string slash32 = """{"type":"local","dst":"198.18.0.50","dev":"eth0","table":"local","protocol":"kernel","scope":"host","prefsrc":"198.18.0.50","flags":[]},""";
        var report = WithRoutes(new DockerHost(Raw: "-A PREROUTING -d 203.0.113.5/32 -p tcp -m tcp --sport 443 -j DROP").ToString(), RoutesWith(slash32));

        Assert.Equal((true, null), (Bridge1(report).Effective, Bridge1(report).RepliesDropped));
        Assert.Equal("tcp/443: for 203.0.113.5 but not 198.18.0.50; which one MASQUERADE gives is not known from the routes", Bridge1(report).RepliesUncertain);
        // A maybe is no finding whose evidence reads as a drop; a notice says it.
        Assert.DoesNotContain(report.Findings, f => f.Code == FindingCodes.MasqueradedRepliesDropped);
        Assert.Contains("bridge1: the replies of its masqueraded connections out tcp/443 die as they arrive for 203.0.113.5 but not 198.18.0.50; which one MASQUERADE gives is not known from the routes: they may be one-way (uncertain, not claimed dropped)", report.Notices);
    }

    [Fact]
    public void Two_devices_no_rule_names_share_one_symbol_so_a_raw_drop_of_one_of_their_addresses_is_said_uncertain_not_dropped()
    {
        // eth1 10.8.0.5/24 beside eth0 203.0.113.5/24, neither named by a rule: both are the model's
        // uplink, whose connections out MASQUERADE may give either address. In the kernel those routed by
        // eth0 (all but 10.8.0.0/24) get .5 and die on tcp/443, those by eth1 get 10.8.0.5 and live; the
        // walk's requests leave by any symbol, not by their route, so it cannot tell them apart and says
        // so (docs/audit.md, masquerade). A rule naming eth0 or eth1 gives it a symbol of its own.
        const string eth1 = """
            {"dst":"10.8.0.0/24","dev":"eth1","protocol":"kernel","scope":"link","prefsrc":"10.8.0.5","flags":[]},
            {"type":"local","dst":"10.8.0.5","dev":"eth1","table":"local","protocol":"kernel","scope":"host","prefsrc":"10.8.0.5","flags":[]},
            """;
        var report = WithRoutes(new DockerHost(Raw: "-A PREROUTING -d 203.0.113.5/32 -p tcp -m tcp --sport 443 -j DROP").ToString(), RoutesWith(eth1));

        Assert.Equal((true, null), (Bridge1(report).Effective, Bridge1(report).RepliesDropped));
        Assert.Equal("tcp/443: for 203.0.113.5 but not 10.8.0.5; which one MASQUERADE gives is not known from the routes", Bridge1(report).RepliesUncertain);
    }

    [Fact]
    public void A_raw_drop_of_every_address_masquerade_may_give_is_a_drop_not_a_doubt()
    {
        const string slash32 = """{"type":"local","dst":"198.18.0.50","dev":"eth0","table":"local","protocol":"kernel","scope":"host","prefsrc":"198.18.0.50","flags":[]},""";
        var report = WithRoutes(new DockerHost(Raw: "-A PREROUTING -i eth0 -p tcp -m tcp --sport 443 -j DROP").ToString(), RoutesWith(slash32));

        RepliesDieIn(report, "tcp/443", "PREROUTING", "-i eth0 -p tcp -m tcp --sport 443 -j DROP");
        Assert.Null(Bridge1(report).RepliesUncertain);
    }

    [Fact]
    public void A_mangle_prerouting_drop_of_everything_established_in_on_the_uplink_kills_every_reply()
    {
        // eth0, named, is the host's only way out: every connection leaves by it and gets eth0's address.
        var dump = new DockerHost().ToString() + """
            *mangle
            :PREROUTING ACCEPT [0:0]
            -A PREROUTING -i eth0 -m conntrack --ctstate ESTABLISHED -j DROP
            COMMIT

            """;
        var report = WithRoutes(dump);

        EveryReplyDies(report, e => e.Table == "mangle" && e.Text.Contains("-i eth0 -m conntrack --ctstate ESTABLISHED -j DROP", StringComparison.Ordinal));
        // An ACCEPT in FORWARD comes too late for a drop before conntrack undoes the NAT: only removing it helps.
        var oneWay = Assert.Single(report.Findings, f => f.Code == FindingCodes.MasqueradedRepliesDropped && f.Networks.Contains("bridge1"));
        Assert.EndsWith("no connection out completes (one-way). Remove the rule that drops the replies (evidence): it meets them as they arrive, addressed to the host, before conntrack undoes the NAT.", oneWay.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_host_addresses_a_mangle_drop_on_one_uplink_makes_the_connections_out_by_it_one_way()
    {
        // Whatever address eth0 gives them, the replies in on it die; those by any other interface come back.
        var dump = new DockerHost().ToString() + """
            *mangle
            :PREROUTING ACCEPT [0:0]
            -A PREROUTING -i eth0 -m conntrack --ctstate ESTABLISHED -j DROP
            COMMIT

            """;
        var report = Report(dump, view: EngineView.TwoBridges());

        RepliesDieIn(report, "via eth0", "PREROUTING", "-i eth0 -m conntrack --ctstate ESTABLISHED -j DROP");
    }

    [Fact]
    public void An_nft_established_drop_at_raw_priority_meets_no_reply_as_conntrack_has_not_yet_run()
    {
        // Priority -300 comes before conntrack (-200): every packet there reads invalid, none established.
        const string nft = """
            {"nftables": [{"table": {"family": "inet", "name": "admin", "handle": 1}},
             {"chain": {"family": "inet", "table": "admin", "name": "early", "handle": 1, "type": "filter", "hook": "prerouting", "prio": -300, "policy": "accept"}},
             {"rule": {"family": "inet", "table": "admin", "chain": "early", "handle": 2, "expr": [{"match": {"op": "in", "left": {"ct": {"key": "state"}}, "right": "established"}}, {"drop": null}]}}]}
            """;
        var read = NftJsonReader.Read(nft, "admin.json");
        Assert.Empty(read.Diagnostics);

        var report = Audit(HostRuleset.Merge(Read(new DockerHost().ToString()), read.Value!), EngineView.TwoBridges());

        Assert.Null(Bridge1(report).RepliesDropped);
    }

    [Fact]
    public void Beside_an_nft_table_the_replies_are_asked_of_the_nat_table_compiled_apart()
    {
        // With an nft table the nat table alone is compiled apart, with fewer interfaces than the whole
        // ruleset names (here the nft table's twelve, sorted before the bridges): the requests go to it by what their interfaces stand
        // for there (seed 4962 crashed on a symbol past the end of its alphabet).
        var nft = """
            {"nftables": [{"table": {"family": "inet", "name": "admin", "handle": 1}},
             {"chain": {"family": "inet", "table": "admin", "name": "fwd", "handle": 1, "type": "filter", "hook": "forward", "prio": 0, "policy": "accept"}}
            """ + string.Concat(Enumerable.Range(0, 12).Select(i => $$$"""
            ,{"rule": {"family": "inet", "table": "admin", "chain": "fwd", "handle": {{{i + 2}}}, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "aa{{{i}}}"}}, {"drop": null}]}}
            """)) + "]}";
        var read = NftJsonReader.Read(nft, "admin.json");
        Assert.Empty(read.Diagnostics);
        var table = RouteListReader.Read(Routes, "routes.json");
        var rules = HostRuleset.Merge(Read(new DockerHost(Raw: "-A PREROUTING -d 203.0.113.5/32 -i eth0 -j DROP").ToString()), read.Value!);

        var report = Auditor.Run(new AuditContext(rules, Ruleset.Empty(IpFamily.V6), EngineView.TwoBridges(), HostSettings.Unknown) { Routes = table.Value });

        RepliesDieIn(report, "all", "PREROUTING", "-d 203.0.113.5/32 -i eth0 -j DROP");
    }

    [Fact]
    public void A_raw_prerouting_drop_of_the_container_address_never_meets_a_masqueraded_reply()
    {
        // Docker 28's own shape, without the bridge exception: the replies arrive to the host's address.
        var report = WithRoutes(new DockerHost(Raw: "-A PREROUTING -d 192.0.2.2/32 -j DROP").ToString());

        Assert.Null(Bridge1(report).RepliesDropped);
        Assert.DoesNotContain(report.Findings, f => f.Code == FindingCodes.MasqueradedRepliesDropped);
    }

    [Fact]
    public void Without_the_host_addresses_a_drop_of_one_address_is_not_called_a_drop_of_the_replies_but_uncertain()
    {
        // MASQUERADE may give any address the host has: the replies to the others come back.
        var report = Report(new DockerHost(Raw: "-A PREROUTING -d 203.0.113.5/32 -p tcp -m tcp --sport 443 -j DROP").ToString(), view: EngineView.TwoBridges());

        Assert.Null(Bridge1(report).RepliesDropped);
        Assert.DoesNotContain(report.Findings, f => f.Code == FindingCodes.MasqueradedRepliesDropped);
        Assert.Equal("tcp/443: for 203.0.113.5 but not the host's other addresses; which one MASQUERADE gives is not known without the host's routes (--routes)", Bridge1(report).RepliesUncertain);
    }

    [Fact]
    public void Without_the_host_addresses_a_raw_drop_of_every_address_kills_the_replies()
    {
        var report = Report(new DockerHost(Raw: "-A PREROUTING -p tcp -m tcp --sport 443 -j DROP").ToString(), view: EngineView.TwoBridges());

        RepliesDieIn(report, "tcp/443", "PREROUTING", "-p tcp -m tcp --sport 443 -j DROP");
    }

    [Fact]
    public void An_explicit_snat_gives_its_address_whatever_the_host_addresses()
    {
        var dump = new DockerHost(Raw: "-A PREROUTING -d 203.0.113.9/32 -p tcp -m tcp --sport 443 -j DROP").ToString()
            .Replace("-A POSTROUTING -s 192.0.2.0/24 ! -o bridge1 -j MASQUERADE", "-A POSTROUTING -s 192.0.2.0/24 ! -o bridge1 -j SNAT --to-source 203.0.113.9", StringComparison.Ordinal);
        var report = Report(dump, view: EngineView.TwoBridges());

        RepliesDieIn(report, "tcp/443", "PREROUTING", "-d 203.0.113.9/32 -p tcp -m tcp --sport 443 -j DROP");
    }

    private static AddressMask Mask(string text) => AddressMask.TryParse(text, IpFamily.V4, out var mask) ? mask! : throw new ArgumentException(text);
}
