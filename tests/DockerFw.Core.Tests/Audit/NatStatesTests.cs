using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.NftJson;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// Oracle F45: conntrack's virtual states SNAT and DNAT are the connection's status bits
/// (xt_conntrack's conntrack_mt_state tests IPS_SRC_NAT and IPS_DST_NAT whatever the packet's
/// direction), so every reply and later packet of a NATed connection carries them: a FORWARD rule on
/// <c>--ctstate DNAT</c> or <c>--ctstate SNAT</c> meets a published port's replies, a masqueraded
/// connection's replies and later packets, and a source-NATed pair's later packets. The opening itself
/// meets a SNAT rule in FORWARD without the bit (nat POSTROUTING runs after FORWARD). And a published
/// port's later packets arrive addressed to the host, as the opening did: a stateless raw drop of TCP's
/// ACKs to the host port meets them, not the SYN.
/// </summary>
public sealed class NatStatesTests
{
    private static Setting Bridge1(AuditReport report) => report.Networks.Single(n => n.Name == "bridge1").Masquerade;

    [Fact]
    public void A_dnat_state_drop_out_of_the_bridge_drops_every_reply_of_a_published_port()
    {
        // The SYN comes in DNATed (NEW,DNAT), passes DOCKER's ACCEPT; every reply from 192.0.2.2 is
        // ESTABLISHED,DNAT in on bridge1 and dies here.
        var report = Report(new DockerHost(User: "-A DOCKER-USER -i bridge1 -m conntrack --ctstate DNAT -j DROP").ToString(), view: EngineView.TwoBridges());

        var port = Assert.Single(report.PublishedPorts);
        Assert.Equal((true, "all"), (port.FilterAccepts, port.RepliesDropped));
        // bridge1's masqueraded connections out are SNAT, not DNAT: the rule spares them.
        Assert.Equal((true, null, null), (Bridge1(report).Effective, Bridge1(report).RepliesDropped, Bridge1(report).LaterDropped));
    }

    [Fact]
    public void A_snat_state_drop_into_the_bridge_drops_every_reply_of_a_masqueraded_connection_out()
    {
        var report = Report(new DockerHost(User: "-A DOCKER-USER -o bridge1 -m conntrack --ctstate SNAT -j DROP").ToString(), view: EngineView.TwoBridges());

        Assert.Equal((true, "all"), (Bridge1(report).Effective, Bridge1(report).RepliesDropped));
        // The published port's connections in are DNAT alone: their replies and later packets pass.
        var port = Assert.Single(report.PublishedPorts);
        Assert.Equal((null, null), (port.RepliesDropped, port.LaterDropped));
    }

    [Fact]
    public void A_snat_state_drop_out_of_the_bridge_lets_the_opening_out_and_no_later_packet()
    {
        // The SYN out is NEW in FORWARD (MASQUERADE runs after, in POSTROUTING); its ACK and data are
        // ESTABLISHED,SNAT and die.
        var report = Report(new DockerHost(User: "-A DOCKER-USER -i bridge1 -m conntrack --ctstate SNAT -j DROP").ToString(), view: EngineView.TwoBridges());

        Assert.Equal((true, null, "all"), (Bridge1(report).Effective, Bridge1(report).RepliesDropped, Bridge1(report).LaterDropped));
    }

    [Fact]
    public void A_published_port_masqueraded_into_the_bridge_has_its_later_packets_meet_a_snat_drop()
    {
        // An admin masquerades what enters bridge1 from outside: the port's connections are DNAT and SNAT.
        var report = Report(new DockerHost(
            Nat: "-A POSTROUTING ! -s 192.0.2.0/24 -o bridge1 -j MASQUERADE",
            User: "-A DOCKER-USER -o bridge1 -m conntrack --ctstate SNAT -j DROP").ToString(), view: EngineView.TwoBridges());

        var port = Assert.Single(report.PublishedPorts);
        Assert.Equal((true, null, "all"), (port.FilterAccepts, port.RepliesDropped, port.LaterDropped));
    }

    [Fact]
    public void Without_that_masquerade_the_same_drop_spares_the_published_port()
    {
        var report = Report(new DockerHost(User: "-A DOCKER-USER -o bridge1 -m conntrack --ctstate SNAT -j DROP").ToString(), view: EngineView.TwoBridges());

        Assert.Null(Assert.Single(report.PublishedPorts).LaterDropped);
    }

    [Fact]
    public void A_stateless_raw_drop_of_tcp_acks_to_the_host_port_lets_the_syn_in_and_no_later_packet()
    {
        // raw PREROUTING sees the port's packets addressed to the host's 8080, before conntrack rewrites
        // them: the SYN passes, the ACK and the data (ACK set) die there.
        var report = Report(new DockerHost(Raw: "-A PREROUTING ! -i bridge1 -p tcp -m tcp --dport 8080 --tcp-flags SYN,ACK ACK -j DROP").ToString(),
            view: EngineView.TwoBridges());

        var port = Assert.Single(report.PublishedPorts);
        Assert.Equal((true, null, "all"), (port.FilterAccepts, port.RepliesDropped, port.LaterDropped));
        var finding = Assert.Single(report.Findings, f => f.Code == FindingCodes.PublishedPortBlocked);
        Assert.Contains(finding.Evidence, e => e.Text.Contains("--tcp-flags SYN,ACK ACK -j DROP", StringComparison.Ordinal) && e.Role == "drops the requests' later packets");
    }

    [Fact]
    public void A_stateless_raw_drop_to_another_host_address_spares_the_connections_to_the_others()
    {
        // 198.18.0.1 is the uplink's address; the port (published on every address) is reached at the others too.
        var report = Report(new DockerHost(Raw: "-A PREROUTING -d 198.18.0.1/32 -p tcp -m tcp --tcp-flags SYN,ACK ACK -j DROP").ToString(),
            view: EngineView.TwoBridges());

        var port = Assert.Single(report.PublishedPorts);
        Assert.NotNull(port.LaterDropped);
        Assert.NotEqual("all", port.LaterDropped);
    }

    [Fact]
    public void A_snat_state_drop_between_networks_leaves_a_masqueraded_pair_opening_only()
    {
        // bridge1 -> bridge2 is let through and masqueraded (Docker's `-s 192.0.2.0/24 ! -o bridge1`);
        // the replies pass, the later packets are SNAT and die.
        var containers = EngineView.TwoBridges(true, EngineView.Container("c3", "bridge2", "198.51.100.2"));
        var host = new DockerHost(User: """
            -A DOCKER-USER -i bridge1 -o bridge2 -m conntrack --ctstate SNAT -j DROP
            -A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
            -A DOCKER-USER -i bridge1 -o bridge2 -j ACCEPT
            """);
        var report = Auditor.Run(new AuditContext(Read(host.ToString()), Ruleset.Empty(IpFamily.V6), containers, Sysctl("net.bridge.bridge-nf-call-iptables=1"))
            { ContainerMatrix = true });

        var pair = Assert.Single(report.Reachability, r => r.From == "bridge1" && r.To == "bridge2");
        Assert.Equal((ReachabilityVerdict.Partial, new AllowedFlow("all", null, null, "opening-only")), (pair.Verdict, Assert.Single(pair.Flows)));
    }

    [Fact]
    public void A_snat_state_drop_of_the_replies_between_networks_leaves_a_masqueraded_pair_one_way()
    {
        // bridge1 -> bridge2 is let through and masqueraded: c3 answers bridge2's gateway, conntrack
        // gives the reply back to c1 in PREROUTING, ESTABLISHED,SNAT in FORWARD, where it dies.
        var containers = EngineView.TwoBridges(true, EngineView.Container("c3", "bridge2", "198.51.100.2"));
        var host = new DockerHost(User: """
            -A DOCKER-USER -i bridge2 -o bridge1 -m conntrack --ctstate SNAT -j DROP
            -A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
            -A DOCKER-USER -i bridge1 -o bridge2 -j ACCEPT
            """);
        var report = Auditor.Run(new AuditContext(Read(host.ToString()), Ruleset.Empty(IpFamily.V6), containers, Sysctl("net.bridge.bridge-nf-call-iptables=1"))
            { ContainerMatrix = true });

        var pair = Assert.Single(report.Reachability, r => r.From == "bridge1" && r.To == "bridge2");
        Assert.Equal((ReachabilityVerdict.Partial, new AllowedFlow("all", null, null, "one-way")), (pair.Verdict, Assert.Single(pair.Flows)));
        var c1c3 = Assert.Single(report.ContainersReachability!.Value, r => r.From == "c1" && r.To == "c3");
        Assert.Equal((ReachabilityVerdict.Partial, "one-way"), (c1c3.Verdict, Assert.Single(c1c3.Flows).Kind));
    }

    [Fact]
    public void A_dnat_state_drop_of_the_same_replies_spares_the_masqueraded_pair()
    {
        // The pair's connections are source-NATed only: their replies are ESTABLISHED,SNAT, not DNAT.
        var containers = EngineView.TwoBridges(true, EngineView.Container("c3", "bridge2", "198.51.100.2"));
        var host = new DockerHost(User: """
            -A DOCKER-USER -i bridge2 -o bridge1 -m conntrack --ctstate DNAT -j DROP
            -A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
            -A DOCKER-USER -i bridge1 -o bridge2 -j ACCEPT
            """);
        var report = Auditor.Run(new AuditContext(Read(host.ToString()), Ruleset.Empty(IpFamily.V6), containers, Sysctl("net.bridge.bridge-nf-call-iptables=1")));

        Assert.Equal(ReachabilityVerdict.Allowed, Assert.Single(report.Reachability, r => r.From == "bridge1" && r.To == "bridge2").Verdict);
    }

    [Fact]
    public void A_snat_state_drop_inside_a_bridge_its_admin_masquerades_leaves_icc_and_the_containers_one_way()
    {
        // The admin masquerades bridge1's own traffic (nat POSTROUTING sees bridged frames through
        // br_netfilter): every connection between c1 and c2 is SNAT, and its replies die here. The NEW
        // packets all pass, as icc declares, so bridge1's own pass is a verdict-only walk whose regions
        // list no rules: its connections read as not NATed before the regions kept their NAT.
        var containers = EngineView.TwoBridges(true, EngineView.Container("c2", "bridge1", "192.0.2.3"));
        var host = new DockerHost(Nat: "-A POSTROUTING -s 192.0.2.0/24 -o bridge1 -j MASQUERADE",
            User: "-A DOCKER-USER -i bridge1 -o bridge1 -m conntrack --ctstate SNAT -j DROP");
        var report = Auditor.Run(new AuditContext(Read(host.ToString()), Ruleset.Empty(IpFamily.V6), containers, Sysctl("net.bridge.bridge-nf-call-iptables=1"))
            { ContainerMatrix = true });

        var icc = Assert.Single(report.Networks, n => n.Name == "bridge1").Icc;
        Assert.Null(icc.Effective);
        Assert.All(icc.PartialFlows!.Value, f => Assert.Equal("one-way", f.Kind));
        var c1c2 = Assert.Single(report.ContainersReachability!.Value, r => r.From == "c1" && r.To == "c2");
        Assert.Equal((ReachabilityVerdict.Partial, "one-way"), (c1c2.Verdict, Assert.Single(c1c2.Flows).Kind));
    }

    /// <summary>A native forward chain before Docker's that drops what leaves bridge1 in a DNATed connection: nft's `ct status dnat`.</summary>
    private const string DnatStatusDrop = """
        {"nftables": [{"table": {"family": "inet", "name": "guard", "handle": 3}},
         {"chain": {"family": "inet", "table": "guard", "name": "guard_forward", "handle": 1, "type": "filter", "hook": "forward", "prio": -10, "policy": "accept"}},
         {"rule": {"family": "inet", "table": "guard", "chain": "guard_forward", "handle": 2, "expr": [
           {"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "bridge1"}},
           {"match": {"op": "in", "left": {"ct": {"key": "status"}}, "right": "dnat"}},
           {"drop": null}]}}]}
        """;

    [Fact]
    public void An_nft_ct_status_dnat_drop_out_of_the_bridge_drops_every_reply_of_a_published_port_and_spares_masquerade()
    {
        // The status bit is the virtual state's: every reply of the port is ESTABLISHED,DNAT and dies;
        // the SYN in is NEW in FORWARD (its status set, but it enters bridge1, not leaves it). Undecided
        // for every packet after the first before, so the port's replies were only possibly dropped.
        var nft = NftJsonReader.Read(DnatStatusDrop, "guard.json");
        Assert.Empty(nft.Diagnostics);
        var report = Auditor.Run(new AuditContext(HostRuleset.Merge(Read(new DockerHost().ToString()), nft.Value!), Ruleset.Empty(IpFamily.V6),
            EngineView.TwoBridges(), HostSettings.Unknown));

        var port = Assert.Single(report.PublishedPorts);
        Assert.Equal((true, "all"), (port.FilterAccepts, port.RepliesDropped));
        Assert.Equal((true, null, null), (Bridge1(report).Effective, Bridge1(report).RepliesDropped, Bridge1(report).LaterDropped));
    }
}
