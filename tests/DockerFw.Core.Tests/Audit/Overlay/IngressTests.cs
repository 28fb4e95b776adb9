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
