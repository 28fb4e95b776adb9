using DockerFw.Core.Audit.Checks;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

public sealed class MasqueradeCheckTests
{
    private static readonly MasqueradeCheck Check = new();

    [Fact]
    public void Docker_s_masquerade_raises_nothing() =>
        Assert.Empty(Codes(Check, new DockerHost().ToString()));

    [Fact]
    public void A_masquerade_of_what_leaves_via_eth0_only_is_DFW401_naming_what_is_NATed()
    {
        var dump = new DockerHost().ToString().Replace("-A POSTROUTING -s 192.0.2.0/24 ! -o bridge1 -j MASQUERADE", """
            # must raise DFW401: what leaves bridge1 by any other interface than eth0 keeps its container address
            -A POSTROUTING -s 192.0.2.0/24 -o eth0 -j MASQUERADE
            """);

        var finding = Assert.Single(Report(dump, view: EngineView.TwoBridges()).Findings, f => f.Code.Code == "DFW401");

        Assert.Equal("bridge1 should be masqueraded, but only part of its outbound traffic is proven NATed (all via eth0): the rest may leave with container addresses, which replies cannot find. "
            + "Widen the NAT rule (evidence) to Docker's, or restart dockerd to restore it: iptables -t nat -A POSTROUTING -s 192.0.2.0/24 ! -o bridge1 -j MASQUERADE.", finding.Message);
        Assert.Equal([("POSTROUTING", "masquerades outbound traffic")], finding.Evidence.Select(e => (e.Chain, e.Role)));
    }

    [Fact]
    public void A_masquerade_for_a_subnet_no_network_owns_is_reported() =>
        Assert.Equal(["DFW404"], Codes(Check, new DockerHost(Nat: """
            # must raise DFW404: 10.8.0.0/24 (a VPN?) belongs to no Docker network
            -A POSTROUTING -s 10.8.0.0/24 -o eth0 -j MASQUERADE
            """).ToString()));

    [Fact]
    public void A_masquerade_that_also_catches_traffic_staying_on_the_bridge_is_reported() =>
        Assert.Equal(["DFW403"], Codes(Check, new DockerHost(Nat: """
            # must raise DFW403: bridge1's containers would see each other as coming from the gateway
            -A POSTROUTING -s 192.0.2.0/24 -j MASQUERADE
            """).ToString()));

    [Fact]
    public void A_nat_of_one_port_of_traffic_staying_on_the_bridge_is_reported_with_its_flows()
    {
        // No sampled packet (tcp/443 between two made-up addresses) meets this rule: every packet is asked.
        var finding = Assert.Single(Report(new DockerHost(Nat: """
            -A POSTROUTING -s 192.0.2.0/24 -o bridge1 -p udp --dport 53 -j MASQUERADE
            """).ToString()).Findings, f => f.Code.Code == "DFW403");

        Assert.Contains("some traffic between containers of bridge1 is NATed (udp/53", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_nat_between_two_named_containers_is_reported_for_them_only()
    {
        var finding = Assert.Single(Report(new DockerHost(Nat: """
            -A POSTROUTING -s 192.0.2.2/32 -d 192.0.2.3/32 -j MASQUERADE
            """).ToString()).Findings, f => f.Code.Code == "DFW403");

        // Every protocol, one flow (the walk's pieces of each family of protocols say the same), and to c2's address only.
        Assert.Contains("some traffic between containers of bridge1 is NATed (all to 192.0.2.3)", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_masquerading_network_left_without_nat_is_reported_from_engine_data() =>
        Assert.Equal(["DFW401"], Codes(Check, new DockerHost().ToString().Replace("-A POSTROUTING -s 192.0.2.0/24 ! -o bridge1 -j MASQUERADE", "# the rule is gone: must raise DFW401"),
            view: EngineView.TwoBridges()));

    [Fact]
    public void The_remedy_of_a_missing_masquerade_is_the_command_that_restores_it() =>
        Assert.EndsWith(
            "Restart dockerd to restore its POSTROUTING rules, or add them: iptables -t nat -A POSTROUTING -s 192.0.2.0/24 ! -o bridge1 -j MASQUERADE.",
            Assert.Single(Report(new DockerHost().ToString().Replace("-A POSTROUTING -s 192.0.2.0/24 ! -o bridge1 -j MASQUERADE", ""), view: EngineView.TwoBridges())
                .Findings, f => f.Code.Code == "DFW401").Message);

    [Fact]
    public void The_report_shows_the_outbound_nat_and_its_snat_address()
    {
        var report = Report(new DockerHost().ToString().Replace(
            "-A POSTROUTING -s 192.0.2.0/24 ! -o bridge1 -j MASQUERADE",
            "-A POSTROUTING -s 192.0.2.0/24 ! -o bridge1 -j SNAT --to-source 10.0.2.15"));

        var bridge1 = Assert.Single(report.Networks, n => n.Name == "bridge1");
        Assert.Equal((true, "10.0.2.15"), (bridge1.Masquerade.Effective, bridge1.SnatTo));
    }

    [Fact]
    public void An_snat_on_one_interface_beside_docker_s_masquerade_is_said_per_way_out_not_as_masqueraded()
    {
        // Oracle F60: traffic out by eth0 is SNATed to 10.0.2.15, the rest masqueraded; no one address is the NAT's.
        var report = Report(new DockerHost().ToString().Replace(
            "-A POSTROUTING -s 192.0.2.0/24 ! -o bridge1 -j MASQUERADE",
            "-A POSTROUTING -s 192.0.2.0/24 -o eth0 -j SNAT --to-source 10.0.2.15\n-A POSTROUTING -s 192.0.2.0/24 ! -o bridge1 -j MASQUERADE"));

        var bridge1 = Assert.Single(report.Networks, n => n.Name == "bridge1");
        Assert.Equal((true, (string?)null), (bridge1.Masquerade.Effective, bridge1.SnatTo));
        Assert.Equal([("eth0", "10.0.2.15"), ("any interface but eth0", null)], bridge1.SnatVia.Select(w => (w.Via, w.SnatTo)));
    }

    [Fact]
    public void Two_snats_to_two_addresses_name_neither_as_the_network_s_but_each_for_its_way_out()
    {
        var report = Report(new DockerHost().ToString().Replace(
            "-A POSTROUTING -s 192.0.2.0/24 ! -o bridge1 -j MASQUERADE",
            "-A POSTROUTING -s 192.0.2.0/24 -o eth0 -j SNAT --to-source 10.0.2.15\n-A POSTROUTING -s 192.0.2.0/24 ! -o bridge1 -j SNAT --to-source 10.0.3.15"));

        var bridge1 = Assert.Single(report.Networks, n => n.Name == "bridge1");
        Assert.Null(bridge1.SnatTo);
        Assert.Equal([("eth0", "10.0.2.15"), ("any interface but eth0", "10.0.3.15")], bridge1.SnatVia.Select(w => (w.Via, w.SnatTo)));
    }

    [Fact]
    public void One_nat_address_on_every_way_out_is_snat_to_alone() =>
        Assert.Empty(Assert.Single(Report(new DockerHost().ToString()).Networks, n => n.Name == "bridge1").SnatVia);

    [Fact]
    public void A_network_whose_subnet_no_rule_shows_is_judged_for_every_address_not_a_made_up_one()
    {
        // bridge2's subnet is unknown: traffic staying on it was judged between one made-up address
        // (100.127.255.250) and itself, which this NAT misses, though bridge2's containers may well be in 10/8.
        var finding = Assert.Single(Report(new DockerHost().ToString().Replace(
            "-A POSTROUTING -s 198.51.100.0/24 ! -o bridge2 -j MASQUERADE",
            "-A POSTROUTING -s 10.0.0.0/8 -o bridge2 -j MASQUERADE")).Findings, f => f.Code.Code == "DFW403");

        Assert.Contains("some traffic between containers of bridge2 is NATed", finding.Message, StringComparison.Ordinal);
    }
}
