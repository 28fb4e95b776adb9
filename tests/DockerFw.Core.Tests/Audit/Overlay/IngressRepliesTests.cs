using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Audit.Checks;
using DockerFw.Core.Semantics.Routing;

namespace DockerFw.Tests.Audit.Overlay;

/// <summary>
/// The routing mesh's replies: DOCKER-INGRESS's DNAT sends a connection to the ingress sandbox
/// (172.18.0.2 on docker_gwbridge), whose replies come back ESTABLISHED in on docker_gwbridge and out
/// to the client. A rule that drops them leaves the port "open" to every request and dead all the
/// same; it was not judged at all (no replies_dropped, no finding).
/// </summary>
public sealed class IngressRepliesTests
{
    // ip -j route show table all: the default route via eth0, 10.9.0.0/16 by a multipath route (ECMP)
    // over eth0 and eth1, docker0's and docker_gwbridge's subnets on their bridges.
    private const string MultipathRoutes = """
        [{"dst":"default","gateway":"203.0.113.1","dev":"eth0","protocol":"static","flags":[]},
         {"dst":"203.0.113.0/24","dev":"eth0","protocol":"kernel","scope":"link","prefsrc":"203.0.113.5","flags":[]},
         {"dst":"10.9.0.0/16","protocol":"static","flags":[],"nexthops":[{"gateway":"203.0.113.1","dev":"eth0","weight":1,"flags":[]},{"gateway":"10.8.0.1","dev":"eth1","weight":1,"flags":[]}]},
         {"dst":"10.8.0.0/24","dev":"eth1","protocol":"kernel","scope":"link","prefsrc":"10.8.0.5","flags":[]},
         {"dst":"172.17.0.0/16","dev":"docker0","protocol":"kernel","scope":"link","prefsrc":"172.17.0.1","flags":[]},
         {"dst":"172.18.0.0/16","dev":"docker_gwbridge","protocol":"kernel","scope":"link","prefsrc":"172.18.0.1","flags":[]},
         {"type":"local","dst":"203.0.113.5","dev":"eth0","table":"local","protocol":"kernel","scope":"host","prefsrc":"203.0.113.5","flags":[]},
         {"type":"local","dst":"10.8.0.5","dev":"eth1","table":"local","protocol":"kernel","scope":"host","prefsrc":"10.8.0.5","flags":[]},
         {"type":"local","dst":"172.17.0.1","dev":"docker0","table":"local","protocol":"kernel","scope":"host","prefsrc":"172.17.0.1","flags":[]},
         {"type":"local","dst":"172.18.0.1","dev":"docker_gwbridge","table":"local","protocol":"kernel","scope":"host","prefsrc":"172.18.0.1","flags":[]},
         {"type":"local","dst":"127.0.0.1","dev":"lo","table":"local","protocol":"kernel","scope":"host","prefsrc":"127.0.0.1","flags":[]}]
        """;

    private static AuditContext Context(string dump, string? routes = null)
    {
        var context = SwarmHost.Context(dump);
        if (routes is null) return context;
        var table = RouteListReader.Read(routes, "routes.json");
        Assert.Empty(table.Diagnostics);
        return context with { Routes = table.Value };
    }

    private static IngressPortReport Port(string dump, string? routes = null) => Assert.Single(OverlayFacts.Of(Context(dump, routes))!.IngressPorts);

    private static List<Finding> Findings(string dump, string? routes = null) =>
        [.. new OverlayCheck().Run(Context(dump, routes)).Where(f => f.Code.Code == "DFW253")];

    [Fact]
    public void An_established_drop_in_on_docker_gwbridge_lets_every_request_in_and_kills_every_reply()
    {
        const string rule = "-A DOCKER-USER -i docker_gwbridge -m conntrack --ctstate ESTABLISHED -j DROP";
        var port = Port(IngressHost.Dump(rule));

        // The requests pass (in on eth0 and the like, not docker_gwbridge): the port reads open.
        Assert.Equal(("open", "all"), (port.Verdict, port.RepliesDropped));
        Assert.Null(port.RepliesUncertain);
        var finding = Assert.Single(Findings(IngressHost.Dump(rule)));
        Assert.Equal(
            "the routing mesh publishes tcp/8080 (DNAT to the ingress sandbox 172.18.0.2) and the filter lets the connections in, but drops every reply from the sandbox (in on docker_gwbridge): no connection completes (one-way; datagrams still reach it). Remove the rule that drops the replies (evidence), or accept them before it (-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT).",
            finding.Message);
        Assert.Equal(rule, Assert.Single(finding.Evidence).Text);
    }

    [Fact]
    public void A_raw_drop_of_the_sandboxs_packets_from_the_service_port_kills_the_replies_before_any_filter_chain()
    {
        var dump = IngressHost.Dump() + "\n*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A PREROUTING -i docker_gwbridge -s 172.18.0.2/32 -p tcp -m tcp --sport 8080 -j DROP\nCOMMIT\n";

        Assert.Equal(("open", "all"), (Port(dump).Verdict, Port(dump).RepliesDropped));
        Assert.Equal("raw", Assert.Single(Assert.Single(Findings(dump)).Evidence).Table);
    }

    [Fact]
    public void A_drop_of_the_replies_to_one_client_makes_only_that_clients_connections_one_way()
    {
        var dump = IngressHost.Dump("-A DOCKER-USER -i docker_gwbridge -d 100.64.0.7/32 -m conntrack --ctstate ESTABLISHED -j DROP");

        Assert.Equal("from 100.64.0.7", Port(dump).RepliesDropped);
        Assert.Contains("drops the sandbox's replies to the connections from 100.64.0.7: those are one-way", Assert.Single(Findings(dump)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-A DOCKER-USER -i docker0 -m conntrack --ctstate ESTABLISHED -j DROP")]
    [InlineData("-A DOCKER-USER -i docker_gwbridge -p tcp -m tcp --sport 9090 -m conntrack --ctstate ESTABLISHED -j DROP")]
    [InlineData("-A DOCKER-USER -i docker_gwbridge -m conntrack --ctstate NEW -j DROP")]
    public void A_drop_that_no_reply_of_the_service_meets_leaves_its_replies_alone(string rule)
    {
        var port = Port(IngressHost.Dump(rule));

        Assert.Equal(("open", null, null), (port.Verdict, port.RepliesDropped, port.RepliesUncertain));
        Assert.Empty(Findings(IngressHost.Dump(rule)));
    }

    [Fact]
    public void A_drop_of_one_service_ports_replies_is_not_the_neighbouring_ports_of_the_same_dnat()
    {
        // One DNAT that keeps the port sends 8080 and 8081 alike (one range, "open"): a drop of the
        // replies from 8081 makes the connections to 8081 alone one-way.
        var dump = IngressHost.Dump("-A DOCKER-USER -i docker_gwbridge -p tcp -m tcp --sport 8081 -m conntrack --ctstate ESTABLISHED -j DROP")
            .Replace("-A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j ACCEPT", "-A DOCKER-INGRESS -p tcp -m tcp --dport 8080:8081 -j ACCEPT")
            .Replace("-A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:8080",
                "-A DOCKER-INGRESS -p tcp -m tcp --dport 8080:8081 -j DNAT --to-destination 172.18.0.2");
        var port = Port(dump);

        Assert.Equal(("8080-8081", "open"), (port.Ports, port.Verdict));
        Assert.Equal("to port 8081", port.RepliesDropped);
    }

    [Fact]
    public void A_drop_of_the_replies_of_many_services_names_their_ports_together()
    {
        // One DNAT per service, as Docker writes them: each port is its own region; the words were one
        // "to port 8081, to port 8082, ..." per port.
        var dump = IngressHost.Dump("-A DOCKER-USER -i docker_gwbridge -p tcp -m tcp --sport 8081:8083 -m conntrack --ctstate ESTABLISHED -j DROP")
            .Replace("-A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j ACCEPT", "-A DOCKER-INGRESS -p tcp -m tcp --dport 8080:8084 -j ACCEPT")
            .Replace("-A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:8080",
                string.Join("\n", Enumerable.Range(8080, 5).Select(p => $"-A DOCKER-INGRESS -p tcp -m tcp --dport {p} -j DNAT --to-destination 172.18.0.2:{p}")));
        var port = Port(dump);

        Assert.Equal(("8080-8084", "open", "to ports 8081-8083"), (port.Ports, port.Verdict, port.RepliesDropped));
    }

    [Fact]
    public void Replies_that_a_multipath_route_may_send_by_the_dropping_device_or_another_are_uncertain_and_say_why()
    {
        // 10.9.0.0/16's replies leave by eth0 or eth1 as the kernel's hash picks per connection; the
        // drop out eth0 kills some and not others, which no rule tells: uncertain, never claimed dropped.
        var dump = IngressHost.Dump("-A DOCKER-USER -i docker_gwbridge -o eth0 -m conntrack --ctstate ESTABLISHED -j DROP\n-A DOCKER-USER -i eth1 -j RETURN");
        var port = Port(dump, MultipathRoutes);

        Assert.Equal(
            "from 10.9.0.0/16 via any interface but eth1, from 10.9.0.0/16 via eth1: the replies to 10.9.0.0/16 leave by eth0 or eth1 (the multipath route to 10.9.0.0/16: the kernel hashes each connection to one nexthop) and the filter drops them by eth0 only",
            port.RepliesUncertain);
        Assert.DoesNotContain("10.9.", port.RepliesDropped, StringComparison.Ordinal);
        Assert.All(Findings(dump, MultipathRoutes), f => Assert.DoesNotContain("10.9.", f.Message, StringComparison.Ordinal));
    }
}
