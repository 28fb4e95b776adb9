using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

public sealed class ContainerReachTests
{
    // c1 and c2 on bridge1, c3 on bridge2, c4 on bridge2 and bridge1.
    private static readonly DockerView Containers = EngineView.TwoBridges(true,
        EngineView.Container("c2", "bridge1", "192.0.2.3"),
        EngineView.Container("c3", "bridge2", "198.51.100.2"),
        EngineView.Container("c4", "bridge2", "198.51.100.3") with
        {
            Endpoints = [.. EngineView.Container("c4", "bridge2", "198.51.100.3").Endpoints, .. EngineView.Container("c4", "bridge1", "192.0.2.4").Endpoints],
        });

    private static AuditReport Matrix(DockerHost host, HostSettings? settings = null, DockerView? view = null) =>
        Auditor.Run(Context(host.ToString(), settings, view ?? Containers) with { ContainerMatrix = true });

    private static ContainerReachabilityEntry Entry(AuditReport report, string fromAddress, string toAddress) =>
        Assert.Single(report.ContainersReachability!.Value, e => e.FromAddress == fromAddress && e.ToAddress == toAddress);

    [Fact]
    public void Without_the_option_the_report_has_no_container_matrix() =>
        Assert.Null(Auditor.Run(Context(new DockerHost().ToString(), view: Containers)).ContainersReachability);

    [Fact]
    public void Every_ordered_pair_of_endpoints_of_distinct_containers_a_request_can_take_is_judged()
    {
        var report = Matrix(new DockerHost());

        // 5 endpoints; each is asked about the endpoints of the other containers (c4's two count apart),
        // but c4 sends from one endpoint only: to c1 and c2 from bridge1, to c3 from bridge2 (its connected routes).
        Assert.Equal(5 * 4 - 2 - 3, report.ContainersReachability!.Value.Length);
        Assert.DoesNotContain(report.ContainersReachability!.Value, e => e.From == e.To);
        Assert.DoesNotContain(report.ContainersReachability!.Value, e => e.FromAddress == "198.51.100.3" && e.ToNetwork == "bridge1");
        Assert.DoesNotContain(report.ContainersReachability!.Value, e => e.FromAddress == "192.0.2.4" && e.ToNetwork == "bridge2");
    }

    // bridge2 not masqueraded (as an internal network is not): c3's requests keep their source.
    private static AuditReport Unmasqueraded(string user, HostSettings? settings = null) =>
        Auditor.Run(Context(new DockerHost(User: user).ToString().Replace("-A POSTROUTING -s 198.51.100.0/24 ! -o bridge2 -j MASQUERADE", ""),
            settings, Containers) with { ContainerMatrix = true });

    [Fact]
    public void A_multi_homed_server_answers_from_the_clients_network_where_a_drop_makes_the_opening_one_way()
    {
        // c3 (bridge2) is let in to c4's bridge1 address; c4 answers 198.51.100.2 from its bridge2
        // endpoint, and the reply switched on bridge2 meets the drop (the oracle's F10: icc=false on
        // an internal network). Judged on the request's way back, the reply would be accepted.
        var report = Unmasqueraded("""
            -A DOCKER-USER -s 198.51.100.2/32 -d 192.0.2.4/32 -j ACCEPT
            -A DOCKER-USER -i bridge2 -o bridge2 -j DROP
            -A DOCKER-USER -s 192.0.2.4/32 -d 198.51.100.2/32 -j ACCEPT
            """, Sysctl("net.bridge.bridge-nf-call-iptables=1"));

        var opened = Entry(report, "198.51.100.2", "192.0.2.4");
        Assert.Equal(ReachabilityVerdict.Partial, opened.Verdict);
        Assert.All(opened.Flows, f => Assert.Equal("one-way", f.Kind));
        Assert.Contains("switched on bridge2", opened.ReplyWay, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reply_switched_on_the_clients_bridge_completes_the_connection_only_possibly_while_rp_filter_is_unknown()
    {
        const string user = "-A DOCKER-USER -s 198.51.100.2/32 -d 192.0.2.4/32 -j ACCEPT";

        var unknown = Entry(Unmasqueraded(user), "198.51.100.2", "192.0.2.4");
        var loose = Entry(Unmasqueraded(user, Sysctl("net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=2")), "198.51.100.2", "192.0.2.4");

        Assert.Equal(ReachabilityVerdict.Partial, unknown.Verdict);
        Assert.All(unknown.Flows, f => Assert.Equal(("connection", true), (f.Kind, f.Possible)));
        Assert.Equal(new AllowedFlow("all", null, null, "connection"), Assert.Single(loose.Flows));
    }

    [Fact]
    public void A_masqueraded_request_is_answered_the_way_it_came_even_by_a_multi_homed_server()
    {
        // Docker masquerades bridge2's traffic leaving by bridge1: c4 sees bridge1's gateway and answers
        // it on bridge1; that reply, back through the host to bridge2, is dropped by isolation (lab seed 14).
        var opened = Entry(Matrix(new DockerHost(User: "-A DOCKER-USER -s 198.51.100.2/32 -d 192.0.2.4/32 -j ACCEPT"),
            Sysctl("net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0")), "198.51.100.2", "192.0.2.4");

        Assert.Equal((ReachabilityVerdict.Partial, "one-way", null), (opened.Verdict, Assert.Single(opened.Flows).Kind, opened.ReplyWay));
    }

    [Fact]
    public void Containers_of_one_network_with_icc_on_are_allowed_to_connect()
    {
        var entry = Entry(Matrix(new DockerHost()), "192.0.2.2", "192.0.2.3");

        Assert.Equal((ReachabilityVerdict.Allowed, "bridge1", "bridge1"), (entry.Verdict, entry.FromNetwork, entry.ToNetwork));
        Assert.Equal(new AllowedFlow("all", null, null, "connection"), Assert.Single(entry.Flows));
    }

    [Fact]
    public void Containers_of_isolated_networks_are_denied() =>
        Assert.Equal(ReachabilityVerdict.Denied, Entry(Matrix(new DockerHost()), "192.0.2.2", "198.51.100.2").Verdict);

    [Fact]
    public void Icc_off_denies_containers_of_one_network_once_br_netfilter_is_known_on() =>
        Assert.Equal(ReachabilityVerdict.Denied,
            Entry(Matrix(new DockerHost(Bridge2IccOff: true), Sysctl("net.bridge.bridge-nf-call-iptables=1")), "198.51.100.2", "198.51.100.3").Verdict);

    [Fact]
    public void Icc_off_without_br_netfilter_lets_containers_of_one_network_connect() =>
        Assert.Equal(ReachabilityVerdict.Allowed,
            Entry(Matrix(new DockerHost(Bridge2IccOff: true), Sysctl("net.bridge.bridge-nf-call-iptables=0")), "198.51.100.2", "198.51.100.3").Verdict);

    [Fact]
    public void An_opening_for_one_container_and_port_is_partial_for_that_pair_only()
    {
        var report = Matrix(new DockerHost(User: """
            -A DOCKER-USER -s 198.51.100.2/32 -d 192.0.2.3/32 -p tcp --dport 5432 -j ACCEPT
            -A DOCKER-USER -d 198.51.100.2/32 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
            """));

        var opened = Entry(report, "198.51.100.2", "192.0.2.3");
        Assert.Equal(ReachabilityVerdict.Partial, opened.Verdict);
        Assert.Equal(new AllowedFlow("tcp", "5432", null, "connection"), Assert.Single(opened.Flows));
        Assert.Equal(ReachabilityVerdict.Denied, Entry(report, "198.51.100.2", "192.0.2.2").Verdict);
        Assert.Equal(ReachabilityVerdict.Allowed, Entry(report, "192.0.2.4", "192.0.2.3").Verdict);
    }

    [Fact]
    public void An_opening_whose_replies_are_dropped_is_one_way()
    {
        var report = Matrix(new DockerHost(User: """
            -A DOCKER-USER -s 198.51.100.2/32 -d 192.0.2.3/32 -j ACCEPT
            """));

        var opened = Entry(report, "198.51.100.2", "192.0.2.3");
        Assert.Equal(ReachabilityVerdict.Partial, opened.Verdict);
        Assert.All(opened.Flows, f => Assert.Equal("one-way", f.Kind));
    }
}
