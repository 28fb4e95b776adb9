using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Audit.Checks;

namespace DockerFw.Tests.Audit.Overlay;

/// <summary>The routing mesh's published ports and docker_gwbridge's icc, from moby's DOCKER-INGRESS rules.</summary>
public sealed class IngressTests
{
    private static OverlayReport Facts(string dump, bool gwbridgeIcc = false) => OverlayFacts.Of(SwarmHost.Context(dump, SwarmHost.View(gwbridgeIcc)))!;

    private static List<Finding> Findings(string dump, bool gwbridgeIcc = false) =>
        [.. new OverlayCheck().Run(SwarmHost.Context(dump, SwarmHost.View(gwbridgeIcc))).Where(f => f.Code.Code is "DFW253" or "DFW254")];

    [Fact]
    public void The_published_service_port_is_found_by_its_dnat_into_docker_gwbridge_and_is_open()
    {
        var port = Assert.Single(Facts(IngressHost.Dump()).IngressPorts);

        Assert.Equal(("tcp", "8080", "172.18.0.2", "open"), (port.Protocol, port.Ports, port.To, port.Verdict));
        Assert.Contains(port.DecidedBy, e => e is { Chain: "DOCKER-INGRESS", Rule: 1 });
        Assert.Empty(Findings(IngressHost.Dump()));
    }

    [Fact]
    public void A_drop_in_docker_user_keeps_the_service_out_and_is_named()
    {
        var dump = IngressHost.Dump("-A DOCKER-USER -p tcp -m tcp --dport 8080 -j DROP");
        var port = Assert.Single(Facts(dump).IngressPorts);

        Assert.Equal("blocked", port.Verdict);
        var finding = Assert.Single(Findings(dump));
        Assert.Equal("DFW253", finding.Code.Code);
        Assert.Equal("-A DOCKER-USER -p tcp -m tcp --dport 8080 -j DROP", Assert.Single(finding.Evidence).Text);
    }

    [Fact]
    public void A_drop_for_some_clients_makes_the_port_partial()
    {
        var dump = IngressHost.Dump("-A DOCKER-USER -s 198.18.0.0/28 -p tcp -m tcp --dport 8080 -j DROP");

        Assert.Equal("partial", Assert.Single(Facts(dump).IngressPorts).Verdict);
        Assert.Single(Findings(dump));
    }

    [Fact]
    public void A_drop_on_one_host_address_leaves_the_service_port_partial_on_every_other_one()
    {
        // Was judged at the uplink's made-up 198.18.0.1 standing for every address: "open", and no finding.
        var dump = IngressHost.Dump("-A DOCKER-USER -p tcp -m conntrack --ctstate NEW --ctorigdst 203.0.113.5 --ctorigdstport 8080 -j DROP");
        var port = Assert.Single(Facts(dump).IngressPorts);

        Assert.Equal("partial", port.Verdict);
        Assert.Equal(new PortClients(null, "any address of the host but 203.0.113.5"), port.Partial);
        var finding = Assert.Single(Findings(dump));
        Assert.Contains("lets them in only on any address of the host but 203.0.113.5", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_drop_on_the_address_that_stood_for_the_host_does_not_block_the_service_port()
    {
        // Was judged at that very address: "blocked", though every other address of the host lets it in.
        var dump = IngressHost.Dump("-A DOCKER-USER -p tcp -m conntrack --ctstate NEW --ctorigdst 198.18.0.1 --ctorigdstport 8080 -j DROP");
        var port = Assert.Single(Facts(dump).IngressPorts);

        Assert.Equal(("partial", new PortClients(null, "any address of the host but 198.18.0.1")), (port.Verdict, port.Partial));
    }

    [Fact]
    public void A_drop_of_one_client_on_one_host_address_is_named_as_kept_out()
    {
        var dump = IngressHost.Dump("-A DOCKER-USER -s 100.64.0.7/32 -p tcp -m conntrack --ctstate NEW --ctorigdst 203.0.113.5 --ctorigdstport 8080 -j DROP");
        var port = Assert.Single(Facts(dump).IngressPorts);

        Assert.Equal(new PortClients(null, null) { KeptOut = "from 100.64.0.7 on 203.0.113.5" }, port.Partial);
    }

    [Fact]
    public void Dockers_recipe_on_the_uplink_keeps_every_client_but_one_out_of_the_service_port_on_that_interface()
    {
        // Oracle F41's rest: the mesh's connections were asked in on the model's dfw-uplink0 alone, which
        // no rule names: "open", though on eth0 only 192.168.1.1 gets in.
        var dump = IngressHost.Dump("-A DOCKER-USER -i eth0 ! -s 192.168.1.1/32 -j DROP");
        var port = Assert.Single(Facts(dump).IngressPorts);

        Assert.Equal(("partial", new PortClients(null, null) { KeptOut = "from any client but 192.168.1.1 via eth0" }), (port.Verdict, port.Partial));
        var finding = Assert.Single(Findings(dump));
        Assert.Contains("keeps some new connections from outside out: it lets them in except from any client but 192.168.1.1 via eth0", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_drop_of_the_service_port_in_on_the_uplink_leaves_it_reached_via_every_other_interface()
    {
        var dump = IngressHost.Dump("-A DOCKER-USER -i eth0 -p tcp -m tcp --dport 8080 -j DROP");
        var port = Assert.Single(Facts(dump).IngressPorts);

        Assert.Equal(("partial", new PortClients(null, null) { Interfaces = "any interface but eth0" }), (port.Verdict, port.Partial));
    }

    [Fact]
    public void A_raw_drop_of_the_service_port_in_on_the_uplink_is_judged_though_no_dnat_met_those_connections()
    {
        // Oracle F42's class in the mesh: dropped in raw PREROUTING, eth0's connections never meet
        // DOCKER-INGRESS's DNAT, and a walk that kept only the NATed ones said "open".
        var dump = IngressHost.Dump() + "\n*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A PREROUTING -i eth0 -p tcp -m tcp --dport 8080 -j DROP\nCOMMIT\n";
        var port = Assert.Single(Facts(dump).IngressPorts);

        Assert.Equal(("partial", new PortClients(null, null) { Interfaces = "any interface but eth0" }), (port.Verdict, port.Partial));
        Assert.Contains(port.DecidedBy, e => e.Table == "raw" && e.Text.Contains("-i eth0", StringComparison.Ordinal));
    }

    [Fact]
    public void Two_service_ports_side_by_side_are_each_judged_by_their_own_fate()
    {
        // One range 8080-8081 used to be "partial" when 8080 was open and 8081 blocked.
        var dump = IngressHost.Dump("-A DOCKER-USER -p tcp -m tcp --dport 8081 -j DROP")
            .Replace("-A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j ACCEPT", "-A DOCKER-INGRESS -p tcp -m tcp --dport 8080:8081 -j ACCEPT")
            .Replace("-A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:8080",
                "-A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:8080\n-A DOCKER-INGRESS -p tcp -m tcp --dport 8081 -j DNAT --to-destination 172.18.0.2:8081");
        var ports = Facts(dump).IngressPorts.Select(p => (p.Ports, p.Verdict)).ToList();

        Assert.Equal([("8080", "open"), ("8081", "blocked")], ports);
    }

    [Fact]
    public void Without_a_service_published_there_is_no_routing_mesh_port()
    {
        Assert.Empty(Facts(SwarmHost.Dump()).IngressPorts);
    }

    [Fact]
    public void Docker_gwbridge_with_icc_off_as_docker_means_it_is_off_in_effect()
    {
        var gw = Facts(SwarmHost.Dump()).Gwbridge!;

        Assert.Equal((false, false), (gw.Declared, gw.Effective.Effective));
        Assert.Null(gw.Effective.PartialFlows);
    }

    [Fact]
    public void A_routing_mesh_port_opens_docker_gwbridge_between_its_containers_on_that_port()
    {
        // DOCKER-INGRESS's ACCEPT has no interface match: it runs before docker_gwbridge's icc DROP.
        var gw = Facts(IngressHost.Dump()).Gwbridge!;

        Assert.Equal(false, gw.Declared);
        Assert.Null(gw.Effective.Effective);
        var flow = Assert.Single(gw.Effective.PartialFlows!.Value);
        Assert.Equal(("tcp", "8080"), (flow.Protocol, flow.Ports));
        // Declared off: the icc check says it (DFW301), not DFW254.
        Assert.Empty(Findings(IngressHost.Dump()));
        Assert.Contains(new IccCheck().Run(SwarmHost.Context(IngressHost.Dump())), f => f.Code.Code == "DFW301" && f.Networks.Contains("docker_gwbridge"));
    }

    [Fact]
    public void Docker_gwbridge_made_by_hand_with_icc_on_lets_tasks_reach_each_other_against_dockers_intent()
    {
        var dump = IngressHost.Dump(gwbridgeIcc: "-A FORWARD -i docker_gwbridge -o docker_gwbridge -j ACCEPT");
        var gw = Facts(dump, gwbridgeIcc: true).Gwbridge!;

        Assert.Equal(true, gw.Declared);
        Assert.Equal(true, gw.Effective.Effective);
        Assert.Equal("DFW254", Assert.Single(Findings(dump, gwbridgeIcc: true)).Code.Code);
    }
}
