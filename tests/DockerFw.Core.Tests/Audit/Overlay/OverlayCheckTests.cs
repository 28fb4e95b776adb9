using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Audit.Checks;

namespace DockerFw.Tests.Audit.Overlay;

/// <summary>Swarm mode judged on one host, from the rules Docker wrote on the lab's manager and tampered copies of them.</summary>
public sealed class OverlayCheckTests
{
    private static OverlayReport Facts(string dump, Core.Docker.DockerView? view = null) => OverlayFacts.Of(SwarmHost.Context(dump, view))!;

    private static string[] Codes(string dump, Core.Docker.DockerView? view = null) =>
        [.. new OverlayCheck().Run(SwarmHost.Context(dump, view)).Select(f => f.Code.Code).Order(StringComparer.Ordinal)];

    private static SwarmPortReport Port(OverlayReport facts, string protocol, int? port, string direction, string? network = null) =>
        facts.Ports.Single(p => p.Protocol == protocol && p.Port == port && p.Direction == direction && p.Network == network);

    [Fact]
    public void As_docker_writes_it_every_swarm_port_is_open_and_cleartext_vxlan_to_the_encrypted_network_is_dropped()
    {
        var facts = Facts(SwarmHost.Dump());

        Assert.Equal(("active", true, "192.168.77.2", 4789, false), (facts.Node!.State, facts.Node.Manager, facts.Node.Address, facts.Node.DataPathPort, facts.Node.DataPathPortAssumed));
        Assert.Equal(["192.168.77.3"], facts.Node!.Peers.ToArray());
        Assert.All(facts.Ports, p => Assert.Equal("open", p.Verdict));
        // 2377 in (a manager), 7946 tcp and udp both ways, VXLAN of ingress, plain and sec both ways, ESP both ways.
        Assert.Equal(1 + 4 + 6 + 2, facts.Ports.Length);
        var sec = facts.Networks.Single(n => n.Name == "sec");
        Assert.True(sec.CleartextDropped);
        Assert.Equal([4097], sec.Vnis.ToArray());
        Assert.Contains(sec.DecidedBy, e => e is { Chain: "INPUT", Rule: 1, Role: "blocks" });
        Assert.Null(facts.Networks.Single(n => n.Name == "plain").CleartextDropped);
        Assert.Empty(Codes(SwarmHost.Dump()));
    }

    [Fact]
    public void The_encrypted_networks_vxlan_is_accepted_only_when_it_came_through_ipsec()
    {
        // Docker's ACCEPT (--pol ipsec) is the only rule that lets decrypted VXLAN in when INPUT drops the rest.
        var facts = Facts(SwarmHost.Dump("DROP", "-A INPUT -p tcp -m multiport --dports 2377,7946 -j ACCEPT\n-A INPUT -p udp -m udp --dport 7946 -j ACCEPT\n-A INPUT -p esp -j ACCEPT\n-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"));

        var sec = Port(facts, "udp", 4789, "in", "sec");
        Assert.Equal("open", sec.Verdict);
        Assert.Contains(sec.DecidedBy, e => e.Text.Contains("--pol ipsec", StringComparison.Ordinal));
        Assert.Equal("blocked", Port(facts, "udp", 4789, "in", "plain").Verdict);
        Assert.Equal("open", Port(facts, "esp", null, "in").Verdict);
        Assert.True(facts.Networks.Single(n => n.Name == "sec").CleartextDropped);
    }

    [Fact]
    public void Udp_4789_dropped_in_input_blocks_every_overlay_and_names_the_rule()
    {
        var dump = SwarmHost.Dump(beforeDocker: "-A INPUT -p udp -m udp --dport 4789 -j DROP");
        var facts = Facts(dump);

        foreach (var network in new[] { "ingress", "plain", "sec" })
        {
            var port = Port(facts, "udp", 4789, "in", network);
            Assert.Equal("blocked", port.Verdict);
            Assert.Equal("-A INPUT -p udp -m udp --dport 4789 -j DROP", Assert.Single(port.DecidedBy).Text);
        }

        Assert.Equal("open", Port(facts, "udp", 4789, "out", "plain").Verdict);
        Assert.Equal(["DFW250", "DFW250", "DFW250"], Codes(dump));
    }

    [Fact]
    public void An_accept_for_all_vxlan_before_dockers_drop_lets_cleartext_into_the_encrypted_network()
    {
        var dump = SwarmHost.Dump(beforeDocker: "-A INPUT -p udp -m udp --dport 4789 -j ACCEPT");
        var sec = Facts(dump).Networks.Single(n => n.Name == "sec");

        Assert.False(sec.CleartextDropped);
        Assert.Equal("-A INPUT -p udp -m udp --dport 4789 -j ACCEPT", Assert.Single(sec.DecidedBy).Text);
        Assert.Equal(["DFW251"], Codes(dump));
    }

    [Fact]
    public void Dockers_drop_for_another_vni_does_not_protect_this_network()
    {
        // The u32 test names VNI 4098 (plain), not sec's 4097: sec's cleartext passes the INPUT policy.
        var dump = SwarmHost.Dump(vniTest: SwarmHost.U32.Replace("0x100100", "0x100200"));

        Assert.False(Facts(dump).Networks.Single(n => n.Name == "sec").CleartextDropped);
        Assert.Contains("DFW251", Codes(dump));
    }

    [Fact]
    public void A_bpf_vni_test_cannot_be_run_so_the_claim_is_uncertain_and_says_why()
    {
        var dump = SwarmHost.Dump(vniTest: SwarmHost.Bpf);
        var facts = Facts(dump);
        var sec = facts.Networks.Single(n => n.Name == "sec");

        Assert.Null(sec.CleartextDropped);
        Assert.Contains(sec.Doubts, d => d.Contains("-m bpf", StringComparison.Ordinal));
        var finding = Assert.Single(new OverlayCheck().Run(SwarmHost.Context(dump)), f => f.Networks.Contains("sec") && f.Message.Contains("cleartext", StringComparison.Ordinal));
        Assert.Equal("DFW255", finding.Code.Code);
        Assert.Contains("bpf", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_input_policy_drop_with_only_ssh_allowed_blocks_the_control_plane_the_vxlan_and_esp()
    {
        var dump = SwarmHost.Dump("DROP", "-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT");
        var facts = Facts(dump);

        Assert.Equal("blocked", Port(facts, "tcp", 2377, "in").Verdict);
        Assert.Equal("blocked", Port(facts, "udp", 7946, "in").Verdict);
        Assert.Equal("blocked", Port(facts, "esp", null, "in").Verdict);
        Assert.Equal("policy of filter/INPUT", Port(facts, "tcp", 7946, "in").DecidedBy.Single().Text);
        // Out: OUTPUT accepts the opening packets, but INPUT's policy drops the replies.
        Assert.Equal("blocked", Port(facts, "tcp", 7946, "out").Verdict);
        Assert.Equal("open", Port(facts, "udp", 7946, "out").Verdict);
        Assert.Contains("DFW252", Codes(dump));
        Assert.Contains("DFW250", Codes(dump));
    }

    [Fact]
    public void A_rule_that_admits_some_peers_only_makes_the_port_partial_and_names_the_blocked_ones()
    {
        var dump = SwarmHost.Dump("DROP", "-A INPUT -s 192.168.77.9/32 -p tcp -m tcp --dport 2377 -j ACCEPT\n-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");
        var view = SwarmHost.View() with
        {
            Swarm = SwarmHost.View().Swarm! with
            {
                RemoteManagers = [.. SwarmHost.View().Swarm!.RemoteManagers, new Core.Docker.SwarmManager("m2", Core.Model.Values.IpAddressValue.Parse("192.168.77.9", Core.Model.Values.IpFamily.V4), 2377)],
            },
        };
        var port = Port(Facts(dump, view), "tcp", 2377, "in");

        Assert.Equal("partial", port.Verdict);
        Assert.Equal("192.168.77.3", port.BlockedPeers);
    }

    [Fact]
    public void Without_peers_known_every_source_stands_for_them()
    {
        var view = SwarmHost.View() with { Networks = [.. SwarmHost.View().Networks.Where(n => n.Overlay is null)], Swarm = SwarmHost.View().Swarm! with { RemoteManagers = [] } };
        var dump = SwarmHost.Dump(beforeDocker: "-A INPUT -s 10.9.0.0/16 -p tcp -m tcp --dport 7946 -j DROP");
        var facts = Facts(dump, view);

        Assert.True(facts.Node!.Peers.IsEmpty);
        var port = Port(facts, "tcp", 7946, "in");
        Assert.Equal("partial", port.Verdict);
        Assert.Equal("10.9.0.0/16", port.BlockedPeers);
    }
}
