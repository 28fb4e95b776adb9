using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Routing;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// A published port's replies leave by the host's route to the client (oracle F41's left): with the
/// routes read, a client that came in on eth1 but is routed via eth0 gets its replies out eth0, where
/// an <c>-o eth0</c> drop meets them, and one that came in on eth0 but is routed via eth1 does not.
/// A strict rp_filter keeps such a client from connecting at all. Without the routes the replies are
/// asked out by the interface their connection came in on, as before.
/// </summary>
public sealed class PublishedPortReplyRouteTests
{
    // ip -j route show table all: the default route via eth0, 10.9.0.0/16 via eth1, bridge1's subnet on bridge1.
    private const string Routes = """
        [{"dst":"default","gateway":"203.0.113.1","dev":"eth0","protocol":"static","flags":[]},
         {"dst":"203.0.113.0/24","dev":"eth0","protocol":"kernel","scope":"link","prefsrc":"203.0.113.5","flags":[]},
         {"dst":"10.9.0.0/16","gateway":"10.8.0.1","dev":"eth1","protocol":"static","flags":[]},
         {"dst":"10.8.0.0/24","dev":"eth1","protocol":"kernel","scope":"link","prefsrc":"10.8.0.5","flags":[]},
         {"dst":"192.0.2.0/24","dev":"bridge1","protocol":"kernel","scope":"link","prefsrc":"192.0.2.1","flags":[]},
         {"type":"local","dst":"203.0.113.5","dev":"eth0","table":"local","protocol":"kernel","scope":"host","prefsrc":"203.0.113.5","flags":[]},
         {"type":"local","dst":"10.8.0.5","dev":"eth1","table":"local","protocol":"kernel","scope":"host","prefsrc":"10.8.0.5","flags":[]},
         {"type":"local","dst":"192.0.2.1","dev":"bridge1","table":"local","protocol":"kernel","scope":"host","prefsrc":"192.0.2.1","flags":[]},
         {"type":"local","dst":"127.0.0.1","dev":"lo","table":"local","protocol":"kernel","scope":"host","prefsrc":"127.0.0.1","flags":[]}]
        """;

    // Replies out eth0 die; a rule naming eth1 puts it in the interface alphabet.
    private static readonly string DropOutEth0 = new DockerHost(User: """
        -A DOCKER-USER -i bridge1 -o eth0 -m conntrack --ctstate ESTABLISHED -j DROP
        -A DOCKER-USER -i eth1 -j RETURN
        """).ToString();

    // Every client outside the containers' subnets that the default route (eth0) takes: all but
    // 10.8.0.0/24 and 10.9.0.0/16 (eth1's), loopback, the host's own addresses and the bridges' subnets.
    private const string RoutedViaEth0 = "0.0.0.0-10.7.255.255,10.8.1.0-10.8.255.255,10.10.0.0-126.255.255.255,128.0.0.0-192.0.1.255,192.0.3.0-198.51.99.255,198.51.101.0-203.0.113.4,203.0.113.6-255.255.255.255";

    private static AuditReport Audit(string dump, bool routes, HostSettings? host = null)
    {
        var table = RouteListReader.Read(Routes, "routes.json");
        Assert.Empty(table.Diagnostics);
        return Auditor.Run(Context(dump, host) with { Routes = routes ? table.Value : null });
    }

    [Fact]
    public void Without_the_routes_the_replies_leave_by_the_interface_their_connection_came_in_on()
    {
        var port = Assert.Single(Audit(DropOutEth0, routes: false).PublishedPorts);

        Assert.Equal((true, "via eth0"), (port.FilterAccepts, port.RepliesDropped));
    }

    [Fact]
    public void With_the_routes_every_client_routed_via_eth0_loses_its_replies_whichever_interface_it_came_in_on()
    {
        // 10.9.0.0/16 is routed via eth1: its replies pass, even for connections in on eth0; every other
        // client's replies leave by eth0 and die, even for connections in on eth1 (symmetric routing said
        // the opposite of both).
        // The host's own addresses as sources are martians the routes do not decide (a local route):
        // asked as before, out by their connection's interface.
        var port = Assert.Single(Audit(DropOutEth0, routes: true).PublishedPorts);

        Assert.True(port.FilterAccepts);
        Assert.Equal($"from {RoutedViaEth0} via any interface but eth1, from 10.8.0.5,203.0.113.5 via eth0, from {RoutedViaEth0} via eth1", port.RepliesDropped);
    }

    [Fact]
    public void A_strict_rp_filter_on_eth1_keeps_the_clients_routed_elsewhere_from_connecting_there()
    {
        // On eth1 only 10.9.0.0/16 (and eth1's own subnet) arrive; their replies leave by eth1 and pass.
        // The clients routed via eth0 that came in on eth1 never connect, so only other interfaces' die.
        var host = Sysctl("net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.eth1.rp_filter=1");
        // Left on eth1: the sources whose check the routes leave open (0.0.0.0/8, multicast), routed via eth0.
        var port = Assert.Single(Audit(DropOutEth0, routes: true, host).PublishedPorts);

        Assert.Equal($"from {RoutedViaEth0} via any interface but eth1, from 10.8.0.5,203.0.113.5 via eth0, from 0.0.0.0/8,224.0.0.0/4 via any interface but eth1, from 0.0.0.0/8,224.0.0.0/4 via eth1", port.RepliesDropped);
    }
}
