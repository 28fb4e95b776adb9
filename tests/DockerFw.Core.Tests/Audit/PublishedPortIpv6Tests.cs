using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using static DockerFw.Tests.Audit.AuditFixture;
using static DockerFw.Tests.Audit.DualStackHost;

namespace DockerFw.Tests.Audit;

/// <summary>
/// Docker publishes a port in ip6tables too (DNAT in nat DOCKER, ACCEPT in filter DOCKER): the
/// published-port check judges those bindings in the IPv6 rules, as it judges the IPv4 ones.
/// </summary>
public sealed class PublishedPortIpv6Tests
{
    private static string[] Ipv6Codes(AuditReport report) =>
        [.. report.Findings.Where(f => f.Code.Check == "published-port" && f.Message.StartsWith("over IPv6 (ip6tables), ", StringComparison.Ordinal))
            .Select(f => f.Code.Code).Order(StringComparer.Ordinal)];

    [Fact]
    public void A_port_published_on_every_IPv6_address_is_reported_over_IPv6_with_ip6tables_evidence()
    {
        var report = AuditOf(V6(), EveryAddress);

        Assert.Equal(["DFW512"], Ipv6Codes(report));
        var finding = report.Findings.Single(f => f.Message.StartsWith("over IPv6", StringComparison.Ordinal));
        Assert.StartsWith("over IPv6 (ip6tables), port tcp/8080 on :: (to [2001:db8:1::2]:80) is published on every host address", finding.Message);
        Assert.All(finding.Evidence, e => Assert.Equal(IpFamily.V6, e.Family));
        Assert.Contains(finding.Evidence, e => e.Text.Contains("--to-destination [2001:db8:1::2]:80", StringComparison.Ordinal));
        // The IPv4 binding is judged in iptables, as before.
        Assert.Single(report.Findings, f => f.Code.Code == "DFW512" && f.Message.StartsWith("port tcp/8080 on 0.0.0.0", StringComparison.Ordinal));
    }

    [Fact]
    public void The_IPv6_port_facts_name_the_container_s_IPv6_address_and_the_filter_s_answer()
    {
        var port = Assert.Single(AuditOf(V6(), EveryAddress).PublishedPortsV6!.Value);

        Assert.Equal(new PublishedPortReport("tcp", "::", 8080, "2001:db8:1::2", 80, "bridge1", "c1", true), port);
    }

    [Fact]
    public void A_port_bound_to_one_IPv6_host_address_is_not_reported_as_public() =>
        Assert.Empty(Ipv6Codes(AuditOf(V6(hostMatch: "-d 2001:db8:ff::5/128 "), new PortBinding("tcp", 80, "2001:db8:ff::5", 8080))));

    [Fact]
    public void A_port_bound_to_IPv6_loopback_is_not_reported_as_reachable_from_the_lan() =>
        // The kernel drops packets to ::1 arriving on other interfaces: IPv6 has no route_localnet.
        Assert.Empty(Ipv6Codes(AuditOf(V6(hostMatch: "-d ::1/128 "), new PortBinding("tcp", 80, "::1", 8080))));

    [Fact]
    public void A_published_port_ip6tables_drops_is_dead_over_IPv6_only()
    {
        var report = AuditOf(V6(user: """
            # must raise DFW511 over IPv6 (and no DFW512: nobody reaches it): DOCKER-USER drops the DNATed packet in ip6tables alone
            -A DOCKER-USER -d 2001:db8:1::2/128 -p tcp -m tcp --dport 80 -j DROP
            """), EveryAddress);

        Assert.Equal(["DFW511"], Ipv6Codes(report));
        Assert.Single(report.Findings, f => f.Code.Code == "DFW511");
        Assert.False(report.PublishedPortsV6!.Value.Single().FilterAccepts);
    }

    [Fact]
    public void A_port_ip6tables_INPUT_blocks_but_DNAT_forwards_is_the_ufw_bypass_over_IPv6() =>
        Assert.Equal(["DFW512", "DFW513"], Ipv6Codes(AuditOf(V6(input: """
            # must raise DFW513 over IPv6: the host firewall blocks 8080 in ip6tables, DNAT forwards it anyway
            -A INPUT -p tcp -m tcp --dport 8080 -j DROP
            """), EveryAddress)));

    [Fact]
    public void An_IPv6_DNAT_to_an_address_no_container_has_is_reported_over_IPv6()
    {
        var report = AuditOf(V6(dnat: """
            # must raise DFW510 over IPv6: nothing has 2001:db8:1::9 any more
            -A DOCKER ! -i bridge1 -p tcp -m tcp --dport 8443 -j DNAT --to-destination [2001:db8:1::9]:443
            """), EveryAddress);

        var stale = Assert.Single(report.Findings, f => f.Code.Code == "DFW510");
        Assert.StartsWith("over IPv6 (ip6tables), a DNAT rule forwards connections to 2001:db8:1::9,", stale.Message);
    }

    [Fact]
    public void A_container_published_on_IPv4_only_has_no_IPv6_port()
    {
        var report = AuditOf(V6());

        Assert.Empty(report.PublishedPortsV6!.Value);
        Assert.Empty(Ipv6Codes(report));
    }

    [Fact]
    public void Without_an_IPv6_ruleset_there_are_no_IPv6_port_facts() =>
        Assert.Null(Auditor.Run(new AuditContext(Read(new DockerHost().ToString()), Ruleset.Empty(IpFamily.V6), View(EveryAddress), HostSettings.Unknown) { Ipv6Read = false }).PublishedPortsV6);
}
