using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// A published port's facts are proven over every new connection from outside, followed through DNAT
/// and the filter with conntrack's original destination known: all, none, or partial with the clients
/// and host addresses that get in.
/// </summary>
public sealed class PublishedPortFactsTests
{
    private static PublishedPortReport Port(string dump, HostSettings? host = null, DockerView? view = null) =>
        Assert.Single(Report(dump, host, view).PublishedPorts);

    [Fact]
    public void A_restriction_on_the_original_destination_port_keeps_the_other_clients_out()
    {
        // What dockerfw apply writes for "publish c1 tcp/8080 from 203.0.113.0/24": DOCKER-USER sees the port after DNAT.
        var port = Port(new DockerHost(User: """
            -A DOCKER-USER -s 203.0.113.0/24 -d 192.0.2.2/32 -p tcp -m conntrack --ctstate NEW --ctorigdstport 8080 -m tcp --dport 80 -j RETURN
            -A DOCKER-USER -d 192.0.2.2/32 -p tcp -m conntrack --ctstate NEW --ctorigdstport 8080 -m tcp --dport 80 -j DROP
            """).ToString());

        Assert.Null(port.FilterAccepts);
        Assert.Equal(new PortClients("203.0.113.0/24", null), port.Partial);
    }

    [Theory]
    [InlineData("-p tcp -m conntrack --ctorigdstport 8080 --ctdir ORIGINAL -j DROP", false)]
    [InlineData("-p tcp -m conntrack --ctorigdstport 8080 --ctdir REPLY -j DROP", true)]
    [InlineData("-p tcp -m conntrack --ctorigdstport 8081 --ctdir ORIGINAL -j DROP", true)]
    public void Dockers_documented_filter_by_the_port_the_client_used_decides_the_port_without_a_state_test(string rule, bool accepts)
    {
        // docs.docker.com's "match the original port": a new connection travels in the original direction,
        // and its original tuple is the packet as it arrived; the rule tests no --ctstate.
        var report = Report(new DockerHost(User: $"-A DOCKER-USER {rule}").ToString());

        Assert.Equal(accepts, Assert.Single(report.PublishedPorts).FilterAccepts);
    }

    [Fact]
    public void A_drop_on_one_host_address_leaves_the_port_open_on_every_other_one()
    {
        // Was judged at one made-up uplink address (198.18.0.1): "yes", though 203.0.113.5 drops it.
        var report = Report(new DockerHost(User: """
            -A DOCKER-USER -p tcp -m conntrack --ctstate NEW --ctorigdst 203.0.113.5 --ctorigdstport 8080 -j DROP
            """).ToString());

        var port = Assert.Single(report.PublishedPorts);
        Assert.Null(port.FilterAccepts);
        Assert.Equal(new PortClients(null, "any address of the host but 203.0.113.5"), port.Partial);
        var partly = Assert.Single(report.Findings, f => f.Code == FindingCodes.PublishedPortBlocked);
        Assert.Contains("lets it in only on any address of the host but 203.0.113.5", partly.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_drop_on_the_address_that_stood_for_the_host_does_not_make_the_port_dead()
    {
        // Was judged at that very address: "no" and a dead port (DFW511), though every other address lets it in.
        var port = Port(new DockerHost(User: """
            -A DOCKER-USER -p tcp -m conntrack --ctstate NEW --ctorigdst 198.18.0.1 --ctorigdstport 8080 -j DROP
            """).ToString());

        Assert.Null(port.FilterAccepts);
        Assert.Equal(new PortClients(null, "any address of the host but 198.18.0.1"), port.Partial);
    }

    [Fact]
    public void A_drop_of_one_client_on_one_host_address_is_named_as_kept_out()
    {
        // Neither side alone says it: every client gets in on some address, and on every address some client does.
        var port = Port(new DockerHost(User: """
            -A DOCKER-USER -s 100.64.0.7/32 -p tcp -m conntrack --ctstate NEW --ctorigdst 203.0.113.5 --ctorigdstport 8080 -j DROP
            """).ToString());

        Assert.Null(port.FilterAccepts);
        Assert.Equal(new PortClients(null, null) { KeptOut = "from 100.64.0.7 on 203.0.113.5" }, port.Partial);
    }

    [Fact]
    public void A_drop_of_one_client_names_every_other_client()
    {
        var port = Port(new DockerHost(User: """
            -A DOCKER-USER -s 100.64.0.7/32 -p tcp -m conntrack --ctstate NEW --ctorigdstport 8080 -j DROP
            """).ToString());

        Assert.Equal(new PortClients("any client but 100.64.0.7", null), port.Partial);
    }

    [Fact]
    public void A_drop_of_every_client_on_the_original_destination_port_makes_the_port_dead()
    {
        var report = Report(new DockerHost(User: """
            -A DOCKER-USER -d 192.0.2.2/32 -p tcp -m conntrack --ctstate NEW --ctorigdstport 8080 -j DROP
            """).ToString());

        Assert.Equal(false, Assert.Single(report.PublishedPorts).FilterAccepts);
        var dead = Assert.Single(report.Findings, f => f.Code == FindingCodes.PublishedPortBlocked);
        Assert.Contains(dead.Evidence, e => e.Chain == "DOCKER-USER" && e.Text.Contains("--ctorigdstport 8080", StringComparison.Ordinal));
    }

    [Fact]
    public void A_port_of_a_container_on_two_networks_is_judged_at_the_endpoint_Docker_NATs_it_to()
    {
        // Oracle F4 (seed 42): the DNAT goes to c1's address on bridge2, not its first endpoint's.
        var view = EngineView.TwoBridges() with
        {
            Containers = [new DockerContainer("c1", "c1-id", true, "bridge1",
                [new DockerEndpoint("bridge1", "bridge1-id", IpAddressValue.Parse("192.0.2.2", IpFamily.V4), null, []),
                 new DockerEndpoint("bridge2", "bridge2-id", IpAddressValue.Parse("198.51.100.2", IpFamily.V4), null, [])],
                ["80/tcp"], [new PortBinding("tcp", 80, "0.0.0.0", 8080)], [])],
        };
        var dump = new DockerHost(
            Dnat: "-A DOCKER ! -i bridge2 -p tcp -m tcp --dport 8081 -j DNAT --to-destination 198.51.100.2:80",
            Docker: "-A DOCKER -d 198.51.100.2/32 ! -i bridge2 -o bridge2 -p tcp -m tcp --dport 80 -j ACCEPT").ToString()
            .Replace("-A DOCKER ! -i bridge1 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 192.0.2.2:80\n", "", StringComparison.Ordinal)
            .Replace("--dport 8081", "--dport 8080", StringComparison.Ordinal);

        var port = Port(dump, view: view);

        Assert.Equal(("198.51.100.2", "bridge2", (bool?)true), (port.ContainerIp, port.Network, port.FilterAccepts));
    }

    [Fact]
    public void An_IPv6_wildcard_binding_is_not_listed_among_the_IPv4_ports()
    {
        var view = EngineView.TwoBridges() with
        {
            Containers = [EngineView.Container("c1", "bridge1", "192.0.2.2", new PortBinding("tcp", 80, "0.0.0.0", 8080), new PortBinding("tcp", 80, "::", 8080))],
        };

        Assert.Equal("0.0.0.0", Port(new DockerHost().ToString(), view: view).HostIp);
    }
}
