using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Checks;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

public sealed class IsolationCheckTests
{
    private static readonly IsolationCheck Check = new();

    [Fact]
    public void Docker_s_own_isolation_raises_nothing() =>
        Assert.Empty(Codes(Check, new DockerHost().ToString()));

    [Fact]
    public void An_admin_ACCEPT_from_one_bridge_to_another_with_its_replies_breaks_isolation() =>
        Assert.Equal(["DFW201"], Codes(Check, new DockerHost(User: """
            # must raise DFW201 once: bridge1 reaches all of bridge2 and the replies come back;
            # bridge2 still cannot open connections to bridge1
            -A DOCKER-USER -i bridge1 -o bridge2 -j ACCEPT
            -A DOCKER-USER -i bridge2 -o bridge1 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
            """).ToString()));

    [Fact]
    public void An_admin_ACCEPT_whose_replies_die_in_the_isolation_chain_is_a_one_way_opening_not_a_breach()
    {
        // Confirmed by real traffic in the Docker lab: no TCP connection completes, yet UDP gets in.
        var host = new DockerHost(User: """
            # must raise DFW202, not DFW201: the replies from bridge2 die in DOCKER-ISOLATION-STAGE-2
            -A DOCKER-USER -i bridge1 -o bridge2 -j ACCEPT
            """).ToString();

        Assert.Equal(["DFW202"], Codes(Check, host));
        Assert.Equal(ReachabilityVerdict.Partial, Assert.Single(Report(host).Reachability, r => r is { From: "bridge1", To: "bridge2" }).Verdict);
    }

    [Fact]
    public void An_ACCEPT_for_one_port_opens_the_pair_partly() =>
        Assert.Equal(["DFW202"], Codes(Check, new DockerHost(User: """
            # must raise DFW202: bridge2 reaches bridge1 on tcp/5432 only
            -A DOCKER-USER -i bridge2 -o bridge1 -p tcp --dport 5432 -j ACCEPT
            """).ToString()));

    [Fact]
    public void Unpublished_container_ports_open_to_the_uplink_are_reported() =>
        Assert.Equal(["DFW203"], Codes(Check, new DockerHost(Forward: """
            # must raise DFW203: the uplink reaches every port of bridge1's containers, not only the published one
            -A FORWARD -i eth0 -o bridge1 -j ACCEPT
            """).ToString()));

    [Fact]
    public void The_flows_of_a_partial_opening_name_protocol_port_and_destination()
    {
        var report = Report(new DockerHost(User: """
            # bridge2 reaches one container of bridge1 on one port, and the replies are let back
            -A DOCKER-USER -i bridge2 -o bridge1 -d 192.0.2.7/32 -p udp --dport 53 -j ACCEPT
            -A DOCKER-USER -i bridge1 -o bridge2 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
            """).ToString());

        var entry = Assert.Single(report.Reachability, r => r is { From: "bridge2", To: "bridge1" });
        var flow = Assert.Single(entry.Flows);
        Assert.Equal(("udp", "53", "192.0.2.7", "connection"), (flow.Protocol, flow.Ports, flow.Destinations, flow.Kind));
    }

    [Fact]
    public void An_opening_whose_replies_are_dropped_is_one_way()
    {
        var report = Report(new DockerHost(User: """
            # new packets from bridge2 to bridge1 pass; replies from bridge1 die in DOCKER-ISOLATION-STAGE-2,
            # which drops by interface whatever the connection state
            -A DOCKER-USER -i bridge2 -o bridge1 -m conntrack --ctstate NEW -j ACCEPT
            """).ToString());

        var entry = Assert.Single(report.Reachability, r => r is { From: "bridge2", To: "bridge1" });
        Assert.Equal("one-way", Assert.Single(entry.Flows).Kind);
    }
}
