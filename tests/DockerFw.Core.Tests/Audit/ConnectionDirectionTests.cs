using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// The audit's questions about replies and later packets know which direction they ask (a reply is the
/// REPLY direction, a request's later packet the ORIGINAL one) and the connection's original tuple (the
/// opening they come from), and tell the engine (<c>ToldConnection</c>): Docker's documented
/// <c>--ctorigdstport 8080 --ctdir ORIGINAL -j DROP</c> and its variants are decided on them, as the kernel
/// decides them (ConnectionDirectionKernelTests, PublishedPortDirectionKernelTests). Before, the replies
/// and later packets were left undecided: every connection "possible" (oracle seed 5031).
/// </summary>
public sealed class ConnectionDirectionTests
{
    [Fact]
    public void A_drop_by_the_clients_port_in_the_original_direction_leaves_the_other_ports_connections_decided()
    {
        var report = Report(new DockerHost(User: "-A DOCKER-USER -p tcp -m conntrack --ctorigdstport 29369 --ctdir ORIGINAL -j DROP").ToString(),
            view: EngineView.TwoBridges());
        var icc = report.Networks.Single(n => n.Name == "bridge2").Icc;

        var tcp = Assert.Single(icc.PartialFlows ?? [], f => f.Protocol == "tcp");
        Assert.Equal(("0-29368,29370-65535", "connection", false), (tcp.Ports, tcp.Kind, tcp.Possible));
    }

    [Fact]
    public void A_drop_of_the_published_ports_replies_by_their_connections_port_makes_the_port_one_way()
    {
        var report = Report(new DockerHost(User: "-A DOCKER-USER -p tcp -m conntrack --ctorigdstport 8080 --ctdir REPLY -j DROP").ToString(),
            view: EngineView.TwoBridges());
        var port = report.PublishedPorts.Single();

        Assert.Equal((true, "all", null), (port.FilterAccepts, port.RepliesDropped, port.RepliesUncertain));
    }

    [Fact]
    public void A_drop_of_another_ports_replies_leaves_the_published_port_a_connection()
    {
        var report = Report(new DockerHost(User: "-A DOCKER-USER -p tcp -m conntrack --ctorigdstport 8081 --ctdir REPLY -j DROP").ToString(),
            view: EngineView.TwoBridges());
        var port = report.PublishedPorts.Single();

        Assert.Equal((true, null, null, null), (port.FilterAccepts, port.RepliesDropped, port.RepliesUncertain, port.LaterDropped));
    }

    [Fact]
    public void A_drop_of_the_published_connections_later_packets_leaves_the_port_opening_only()
    {
        var report = Report(new DockerHost(User: "-A DOCKER-USER -p tcp -m conntrack --ctstate ESTABLISHED --ctorigdstport 8080 --ctdir ORIGINAL -j DROP").ToString(),
            view: EngineView.TwoBridges());
        var port = report.PublishedPorts.Single();

        Assert.Equal((true, null, "all"), (port.FilterAccepts, port.RepliesDropped, port.LaterDropped));
    }
}
