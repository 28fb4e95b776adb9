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

    // The same host with 10.9.0.0/16 routed by a multipath route (ECMP) over eth0 and eth1.
    private static readonly string MultipathRoutes = Routes.Replace(
        """{"dst":"10.9.0.0/16","gateway":"10.8.0.1","dev":"eth1","protocol":"static","flags":[]}""",
        """{"dst":"10.9.0.0/16","protocol":"static","flags":[],"nexthops":[{"gateway":"203.0.113.1","dev":"eth0","weight":1,"flags":[]},{"gateway":"10.8.0.1","dev":"eth1","weight":1,"flags":[]}]}""",
        StringComparison.Ordinal);

    // The same host without its default route: only the connected subnets and 10.9.0.0/16 are routed.
    private static readonly string NoDefaultRoute = Routes.Replace(
        """{"dst":"default","gateway":"203.0.113.1","dev":"eth0","protocol":"static","flags":[]},""", "", StringComparison.Ordinal);

    // Every client outside the containers' subnets that no route takes once the default route is gone.
    private const string Unrouted = "0.0.0.0-10.7.255.255,10.8.1.0-10.8.255.255,10.10.0.0-126.255.255.255,128.0.0.0-192.0.1.255,192.0.3.0-198.51.99.255,198.51.101.0-203.0.112.255,203.0.114.0-255.255.255.255";

    private static AuditReport Audit(string dump, bool routes, HostSettings? host = null) => Audit(dump, routes ? Routes : null, host);

    private static AuditReport Audit(string dump, string? routes, HostSettings? host = null)
    {
        if (routes is null) return Auditor.Run(Context(dump, host));
        var table = RouteListReader.Read(routes, "routes.json");
        Assert.Empty(table.Diagnostics);
        return Auditor.Run(Context(dump, host) with { Routes = table.Value });
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

        // (0.0.0.0/8 and 224.0.0.0/4 in on other interfaces are among the clients routed via eth0: one piece.)
        Assert.Equal($"from {RoutedViaEth0} via any interface but eth1, from 10.8.0.5,203.0.113.5 via eth0, from 0.0.0.0/8,224.0.0.0/4 via eth1", port.RepliesDropped);
    }

    [Fact]
    public void A_multipath_routes_clients_whose_replies_die_by_one_of_its_devices_only_are_uncertain_and_say_why()
    {
        // 10.9.0.0/16's replies leave by eth0 or eth1, as the kernel's hash picks per connection: the
        // drop out eth0 kills some of them and not others, which no rule tells apart.
        var port = Assert.Single(Audit(DropOutEth0, MultipathRoutes).PublishedPorts);

        Assert.Equal($"from {RoutedViaEth0} via any interface but eth1, from 10.8.0.5,203.0.113.5 via eth0, from {RoutedViaEth0} via eth1", port.RepliesDropped);
        // Named per interface the connections came in on, as every key names them (eth1's are judged apart: -i eth1 -j RETURN).
        Assert.Equal("from 10.9.0.0/16 via any interface but eth1, from 10.9.0.0/16 via eth1: the replies to 10.9.0.0/16 leave by eth0 or eth1 (the multipath route to 10.9.0.0/16: the kernel hashes each connection to one nexthop) and the filter drops them by eth0 only",
            port.RepliesUncertain);
        Assert.Null(port.RepliesUnrouted);
    }

    [Fact]
    public void A_multipath_routes_clients_whose_replies_die_by_every_one_of_its_devices_are_dropped()
    {
        var both = new DockerHost(User: """
            -A DOCKER-USER -i bridge1 -o eth0 -m conntrack --ctstate ESTABLISHED -j DROP
            -A DOCKER-USER -i bridge1 -o eth1 -m conntrack --ctstate ESTABLISHED -j DROP
            """).ToString();

        var report = Audit(both, MultipathRoutes);
        var port = Assert.Single(report.PublishedPorts);

        // 10.9.0.0/16's die whichever nexthop the hash picks; only the host's own addresses as sources
        // (martians, out by their connection's interface) get replies, on interfaces no rule names.
        Assert.Equal((true, null), (port.FilterAccepts, port.RepliesUncertain));
        Assert.StartsWith("from any client but 10.8.0.5,203.0.113.5,", port.RepliesDropped, StringComparison.Ordinal);
        Assert.Equal(2, report.Findings.Single(f => f.Message.Contains("drops the container's replies", StringComparison.Ordinal)).Evidence.Length);
    }

    [Fact]
    public void A_multipath_routes_clients_whose_replies_pass_by_every_one_of_its_devices_come_back()
    {
        var other = new DockerHost(User: """
            -A DOCKER-USER -i bridge1 -o eth2 -m conntrack --ctstate ESTABLISHED -j DROP
            -A DOCKER-USER -i eth1 -j RETURN
            """).ToString();

        var port = Assert.Single(Audit(other, MultipathRoutes).PublishedPorts);

        // Only the host's own addresses as sources (a local route: out by their connection's interface) die, via eth2.
        Assert.Equal("from 10.8.0.5,203.0.113.5 via eth2", port.RepliesDropped);
        Assert.Null(port.RepliesUncertain);
    }

    [Fact]
    public void A_client_the_host_has_no_route_to_gets_no_reply_and_the_missing_route_is_the_reason_not_a_rule()
    {
        // No default route: only 10.8.0.0/24, 10.9.0.0/16, 203.0.113.0/24 and the bridge's subnet are
        // routed. Every other client's SYN,ACK meets "network unreachable" and is never sent, whichever
        // interface it came in on; symmetric routing called those via eth0 dropped by -o eth0's rule and
        // those via eth1 answered.
        var report = Audit(DropOutEth0, NoDefaultRoute);
        var port = Assert.Single(report.PublishedPorts);

        const string OnEth0 = "203.0.113.0-203.0.113.4,203.0.113.6-203.0.113.255";
        Assert.Equal($"from {OnEth0} via any interface but eth1, from 10.8.0.5,203.0.113.5 via eth0, from {OnEth0} via eth1", port.RepliesDropped);
        Assert.Equal($"from {Unrouted} via any interface but eth1, from {Unrouted} via eth1", port.RepliesUnrouted);
        var unrouted = Assert.Single(report.Findings, f => f.Message.Contains("no route back", StringComparison.Ordinal));
        Assert.Contains("the host has no route to them (no default route), so their replies are never sent", unrouted.Message, StringComparison.Ordinal);
        // No rule decided: the evidence is the routes', every address no table has a route to (the
        // clients above are those of them that get in).
        const string NoRoute = "0.0.0.0-10.7.255.255,10.8.1.0-10.8.255.255,10.10.0.0-127.0.0.0,127.0.0.2-192.0.1.255,192.0.3.0-203.0.112.255,203.0.114.0-255.255.255.255";
        var missing = Assert.Single(unrouted.Evidence);
        Assert.Equal((new RouteEvidence(NoRoute, "none", null, null, null), $"no route to {NoRoute}"), (missing.Route, missing.Text));
    }
}
