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
    public void Flows_from_outside_that_differ_only_by_protocol_are_one_as_in_the_rest_of_the_audit()
    {
        // FromOutside grouped by protocol name: "tcp; udp", where every other flow of the audit reads "tcp,udp" (FlowMerge).
        var finding = Assert.Single(Check.Run(Context(new DockerHost(User: """
            # must raise DFW203: the uplink reaches every tcp and udp port of bridge2's containers
            -A DOCKER-USER -i eth0 -o bridge2 -p tcp -j ACCEPT
            -A DOCKER-USER -i eth0 -o bridge2 -p udp -j ACCEPT
            """).ToString())), f => f.Code.Code == "DFW203");

        Assert.Contains("containers of bridge2 that no published port allows (tcp,udp)", finding.Message, StringComparison.Ordinal);
    }

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

    // Docker 29's own rules for a routed network (bridge1, c1 192.0.2.2 with port 80 open) beside docker0.
    private static string Routed(string user = "") =>
        File.ReadAllText(Corpus.PathOf("docker", "moby29-routed.iptables-save")).Replace(":DOCKER-USER - [0:0]\n", ":DOCKER-USER - [0:0]\n" + user, StringComparison.Ordinal);

    // One bridge with masquerade off (its subnet shows nowhere), c1 192.168.0.2 with 8080->80/tcp.
    private static string NoMasquerade(string forward = "") =>
        File.ReadAllText(Corpus.PathOf("docker", "moby29-unit-no-masquerade.iptables-save")).Replace("-A FORWARD -j DOCKER-FORWARD\n", forward + "-A FORWARD -j DOCKER-FORWARD\n", StringComparison.Ordinal);

    [Fact]
    public void A_routed_network_s_open_container_ports_and_ICMP_reached_from_another_bridge_are_its_design_not_a_finding()
    {
        var report = Report(Routed());

        Assert.Empty(Codes(Check, Routed()));
        // The fact stays in the matrix: docker0 reaches bridge1's open port and ICMP, nothing else.
        Assert.Equal(ReachabilityVerdict.Partial, Assert.Single(report.Reachability, r => r is { From: "docker0", To: "bridge1" }).Verdict);
    }

    [Fact]
    public void A_routed_network_opened_beyond_its_design_still_raises_DFW202() =>
        Assert.Equal(["DFW202"], Codes(Check, Routed("""
            # must raise DFW202: docker0 reaches tcp/5432 of bridge1, which no published port opens
            -A DOCKER-USER -i docker0 -o bridge1 -p tcp -m tcp --dport 5432 -j ACCEPT

            """)));

    [Fact]
    public void A_published_port_reached_through_the_host_s_address_is_not_an_unpublished_port_when_the_subnet_is_unknown() =>
        Assert.Empty(Codes(Check, NoMasquerade()));

    [Fact]
    public void An_uplink_ACCEPT_into_a_bridge_whose_subnet_is_unknown_still_raises_DFW203() =>
        Assert.Equal(["DFW203"], Codes(Check, NoMasquerade("""
            # must raise DFW203: the uplink reaches every port of br-dummy's containers
            -A FORWARD -i eth0 -o br-dummy -j ACCEPT

            """)));

    [Fact]
    public void An_internal_network_s_only_guard_against_outside_sources_is_enough_since_a_spoofed_container_source_opens_no_connection() =>
        // Docker 29 keeps outsiders out of an internal network with `! -s SUBNET -o BR -j DROP` alone.
        Assert.Empty(Codes(Check, File.ReadAllText(Corpus.PathOf("docker", "moby29-internal.iptables-save"))));
}
