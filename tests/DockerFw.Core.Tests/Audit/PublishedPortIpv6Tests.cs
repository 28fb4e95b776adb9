using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.IptablesSave;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// Docker publishes a port in ip6tables too (DNAT in nat DOCKER, ACCEPT in filter DOCKER): the
/// published-port check judges those bindings in the IPv6 rules, as it judges the IPv4 ones.
/// </summary>
public sealed class PublishedPortIpv6Tests
{
    private static DockerView DualStack(params PortBinding[] ports) => new(
        [WithV6(EngineView.Network("bridge1", "192.0.2.0/24"), "2001:db8:1::/64"), EngineView.Network("bridge2", "198.51.100.0/24")],
        [new DockerContainer("c1", "c1-id", true, "bridge1",
            [new DockerEndpoint("bridge1", "bridge1-id", IpAddressValue.Parse("192.0.2.2", IpFamily.V4), IpAddressValue.Parse("2001:db8:1::2", IpFamily.V6), [])],
            ["80/tcp"], [new PortBinding("tcp", 80, "0.0.0.0", 8080), .. ports], [])]);

    private static DockerNetwork WithV6(DockerNetwork network, string subnet) =>
        network with { Subnets = [.. network.Subnets, new DockerSubnet(AddressMask.TryParse(subnet, IpFamily.V6, out var s) ? s! : throw new ArgumentException(subnet), null)] };

    /// <summary>What dockerd 20.10 writes to ip6tables for bridge1 (IPv6) with c1's 8080->80 on <paramref name="hostMatch"/>.</summary>
    private static Ruleset V6(string hostMatch = "", string dnat = "", string user = "", string input = "") => Read6($"""
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD DROP [0:0]
        :OUTPUT ACCEPT [0:0]
        :DOCKER - [0:0]
        :DOCKER-ISOLATION-STAGE-1 - [0:0]
        :DOCKER-ISOLATION-STAGE-2 - [0:0]
        :DOCKER-USER - [0:0]
        {input}
        -A FORWARD -j DOCKER-USER
        -A FORWARD -j DOCKER-ISOLATION-STAGE-1
        -A FORWARD -o bridge1 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
        -A FORWARD -o bridge1 -j DOCKER
        -A FORWARD -i bridge1 ! -o bridge1 -j ACCEPT
        -A FORWARD -i bridge1 -o bridge1 -j ACCEPT
        -A DOCKER -d 2001:db8:1::2/128 ! -i bridge1 -o bridge1 -p tcp -m tcp --dport 80 -j ACCEPT
        -A DOCKER-ISOLATION-STAGE-1 -i bridge1 ! -o bridge1 -j DOCKER-ISOLATION-STAGE-2
        -A DOCKER-ISOLATION-STAGE-1 -j RETURN
        -A DOCKER-ISOLATION-STAGE-2 -o bridge1 -j DROP
        -A DOCKER-ISOLATION-STAGE-2 -j RETURN
        {user}
        -A DOCKER-USER -j RETURN
        COMMIT
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        :DOCKER - [0:0]
        -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
        -A OUTPUT ! -d ::1/128 -m addrtype --dst-type LOCAL -j DOCKER
        -A POSTROUTING -s 2001:db8:1::/64 ! -o bridge1 -j MASQUERADE
        -A DOCKER -i bridge1 -j RETURN
        -A DOCKER {hostMatch}! -s fe80::/10 ! -i bridge1 -p tcp -m tcp --dport 8080 -j DNAT --to-destination [2001:db8:1::2]:80
        {dnat}
        COMMIT

        """);

    private static Ruleset Read6(string text)
    {
        var read = IptablesSaveReader.Read(text, "fixture.ip6tables-save", IpFamily.V6);
        Assert.True(read.Succeeded, string.Join("\n", read.Diagnostics));
        return read.Value!;
    }

    private static AuditReport Audit(Ruleset v6, params PortBinding[] ports) =>
        Auditor.Run(new AuditContext(Read(new DockerHost().ToString()), v6, DualStack(ports), HostSettings.Unknown));

    private static string[] Ipv6Codes(AuditReport report) =>
        [.. report.Findings.Where(f => f.Code.Check == "published-port" && f.Message.StartsWith("over IPv6 (ip6tables), ", StringComparison.Ordinal))
            .Select(f => f.Code.Code).Order(StringComparer.Ordinal)];

    private static readonly PortBinding EveryAddress = new("tcp", 80, "::", 8080);

    [Fact]
    public void A_port_published_on_every_IPv6_address_is_reported_over_IPv6_with_ip6tables_evidence()
    {
        var report = Audit(V6(), EveryAddress);

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
        var port = Assert.Single(Audit(V6(), EveryAddress).PublishedPortsV6!.Value);

        Assert.Equal(new PublishedPortReport("tcp", "::", 8080, "2001:db8:1::2", 80, "bridge1", "c1", true), port);
    }

    [Fact]
    public void A_port_bound_to_one_IPv6_host_address_is_not_reported_as_public() =>
        Assert.Empty(Ipv6Codes(Audit(V6(hostMatch: "-d 2001:db8:ff::5/128 "), new PortBinding("tcp", 80, "2001:db8:ff::5", 8080))));

    [Fact]
    public void A_port_bound_to_IPv6_loopback_is_not_reported_as_reachable_from_the_lan() =>
        // The kernel drops packets to ::1 arriving on other interfaces: IPv6 has no route_localnet.
        Assert.Empty(Ipv6Codes(Audit(V6(hostMatch: "-d ::1/128 "), new PortBinding("tcp", 80, "::1", 8080))));

    [Fact]
    public void A_published_port_ip6tables_drops_is_dead_over_IPv6_only()
    {
        var report = Audit(V6(user: """
            # must raise DFW511 over IPv6 (and no DFW512: nobody reaches it): DOCKER-USER drops the DNATed packet in ip6tables alone
            -A DOCKER-USER -d 2001:db8:1::2/128 -p tcp -m tcp --dport 80 -j DROP
            """), EveryAddress);

        Assert.Equal(["DFW511"], Ipv6Codes(report));
        Assert.Single(report.Findings, f => f.Code.Code == "DFW511");
        Assert.False(report.PublishedPortsV6!.Value.Single().FilterAccepts);
    }

    [Fact]
    public void A_port_ip6tables_INPUT_blocks_but_DNAT_forwards_is_the_ufw_bypass_over_IPv6() =>
        Assert.Equal(["DFW512", "DFW513"], Ipv6Codes(Audit(V6(input: """
            # must raise DFW513 over IPv6: the host firewall blocks 8080 in ip6tables, DNAT forwards it anyway
            -A INPUT -p tcp -m tcp --dport 8080 -j DROP
            """), EveryAddress)));

    [Fact]
    public void An_IPv6_DNAT_to_an_address_no_container_has_is_reported_over_IPv6()
    {
        var report = Audit(V6(dnat: """
            # must raise DFW510 over IPv6: nothing has 2001:db8:1::9 any more
            -A DOCKER ! -i bridge1 -p tcp -m tcp --dport 8443 -j DNAT --to-destination [2001:db8:1::9]:443
            """), EveryAddress);

        var stale = Assert.Single(report.Findings, f => f.Code.Code == "DFW510");
        Assert.StartsWith("over IPv6 (ip6tables), a DNAT rule forwards connections to 2001:db8:1::9,", stale.Message);
    }

    [Fact]
    public void A_container_published_on_IPv4_only_has_no_IPv6_port()
    {
        var report = Audit(V6());

        Assert.Empty(report.PublishedPortsV6!.Value);
        Assert.Empty(Ipv6Codes(report));
    }

    [Fact]
    public void Without_an_IPv6_ruleset_there_are_no_IPv6_port_facts() =>
        Assert.Null(Auditor.Run(new AuditContext(Read(new DockerHost().ToString()), Ruleset.Empty(IpFamily.V6), DualStack(EveryAddress), HostSettings.Unknown)).PublishedPortsV6);
}
