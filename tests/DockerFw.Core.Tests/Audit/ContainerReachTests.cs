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
    public void Every_ordered_pair_of_endpoints_of_distinct_containers_is_judged()
    {
        var report = Matrix(new DockerHost());

        // 5 endpoints; each is asked about the endpoints of the other containers (c4's two count apart).
        Assert.Equal(5 * 4 - 2, report.ContainersReachability!.Value.Length);
        Assert.DoesNotContain(report.ContainersReachability!.Value, e => e.From == e.To);
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
        Assert.Equal(ReachabilityVerdict.Denied, Entry(report, "198.51.100.3", "192.0.2.3").Verdict);
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
