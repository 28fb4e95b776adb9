using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.IptablesSave;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>ip6tables is a ruleset of its own: isolation is judged in it as in iptables.</summary>
public sealed class Ipv6IsolationTests
{
    // DockerHost's two networks, each with an IPv6 subnet beside its IPv4 one.
    private static readonly DockerView DualStack = new(
        [WithV6(EngineView.Network("bridge1", "192.0.2.0/24"), "2001:db8:1::/64"), WithV6(EngineView.Network("bridge2", "198.51.100.0/24"), "2001:db8:2::/64")],
        EngineView.TwoBridges().Containers);

    private static DockerNetwork WithV6(DockerNetwork network, string subnet) =>
        network with { Subnets = [.. network.Subnets, new DockerSubnet(AddressMask.TryParse(subnet, IpFamily.V6, out var s) ? s! : throw new ArgumentException(subnet), null)] };

    /// <summary>The filter table dockerd writes to ip6tables for the two networks, DOCKER-USER lines added.</summary>
    private static Ruleset V6(string user = "") => Read6($"""
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD DROP [0:0]
        :OUTPUT ACCEPT [0:0]
        :DOCKER - [0:0]
        :DOCKER-ISOLATION-STAGE-1 - [0:0]
        :DOCKER-ISOLATION-STAGE-2 - [0:0]
        :DOCKER-USER - [0:0]
        -A FORWARD -j DOCKER-USER
        -A FORWARD -j DOCKER-ISOLATION-STAGE-1
        -A FORWARD -o bridge2 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
        -A FORWARD -o bridge2 -j DOCKER
        -A FORWARD -i bridge2 ! -o bridge2 -j ACCEPT
        -A FORWARD -i bridge2 -o bridge2 -j ACCEPT
        -A FORWARD -o bridge1 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
        -A FORWARD -o bridge1 -j DOCKER
        -A FORWARD -i bridge1 ! -o bridge1 -j ACCEPT
        -A FORWARD -i bridge1 -o bridge1 -j ACCEPT
        -A DOCKER-ISOLATION-STAGE-1 -i bridge2 ! -o bridge2 -j DOCKER-ISOLATION-STAGE-2
        -A DOCKER-ISOLATION-STAGE-1 -i bridge1 ! -o bridge1 -j DOCKER-ISOLATION-STAGE-2
        -A DOCKER-ISOLATION-STAGE-1 -j RETURN
        -A DOCKER-ISOLATION-STAGE-2 -o bridge2 -j DROP
        -A DOCKER-ISOLATION-STAGE-2 -o bridge1 -j DROP
        -A DOCKER-ISOLATION-STAGE-2 -j RETURN
        {user}
        -A DOCKER-USER -j RETURN
        COMMIT

        """);

    private static Ruleset Read6(string text)
    {
        var read = IptablesSaveReader.Read(text, "fixture.ip6tables-save", IpFamily.V6);
        Assert.True(read.Succeeded, string.Join("\n", read.Diagnostics));
        return read.Value!;
    }

    private static AuditReport Audit(Ruleset v6) =>
        Auditor.Run(new AuditContext(Read(new DockerHost().ToString()), v6, DualStack, HostSettings.Unknown));

    [Fact]
    public void Networks_isolated_in_both_families_raise_no_isolation_finding()
    {
        var report = Audit(V6());

        Assert.Empty(report.Findings.Where(f => f.Code.Check == "isolation"));
        Assert.All(report.ReachabilityV6!, e => Assert.Equal(ReachabilityVerdict.Denied, e.Verdict));
        Assert.Equal(2, report.ReachabilityV6!.Length);
    }

    [Fact]
    public void Isolation_broken_only_in_ip6tables_raises_the_isolation_finding_naming_IPv6()
    {
        var report = Audit(V6("""
            # must raise DFW201 over IPv6: bridge1 reaches bridge2 and the replies come back
            -A DOCKER-USER -i bridge1 -o bridge2 -j ACCEPT
            -A DOCKER-USER -i bridge2 -o bridge1 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
            """));

        var finding = Assert.Single(report.Findings, f => f.Code == FindingCodes.NetworksNotIsolated);
        Assert.Equal(new[] { "bridge1", "bridge2" }, finding.Networks.ToArray());
        Assert.Contains("IPv6", finding.Message);
        Assert.NotEmpty(finding.Evidence);
        Assert.All(finding.Evidence, e => Assert.Equal(IpFamily.V6, e.Family));
        Assert.All(report.Reachability, e => Assert.Equal(ReachabilityVerdict.Denied, e.Verdict));
        Assert.Equal(ReachabilityVerdict.Allowed, Assert.Single(report.ReachabilityV6!, e => e.From == "bridge1").Verdict);
    }

    [Fact]
    public void Pings_let_out_with_only_their_echo_replies_let_back_are_connections_not_one_way()
    {
        // A hand-written opening: bridge1's echo requests out, the echo replies (ICMPv6 129) back.
        var report = Audit(V6("""
            -A DOCKER-USER -i bridge1 -o bridge2 -p ipv6-icmp -m icmp6 --icmpv6-type 128 -j ACCEPT
            -A DOCKER-USER -i bridge2 -o bridge1 -p ipv6-icmp -m icmp6 --icmpv6-type 129 -j ACCEPT
            """));

        var entry = Assert.Single(report.ReachabilityV6!, e => e.From == "bridge1");
        Assert.Equal(ReachabilityVerdict.Partial, entry.Verdict);
        // Typed 0 (or 128), the replies read as dropped and the pings as one-way.
        Assert.All(entry.Flows, f => Assert.Equal(("ipv6-icmp", "connection"), (f.Protocol, f.Kind)));
    }

    [Fact]
    public void A_partial_opening_in_ip6tables_shows_IPv6_destinations()
    {
        var report = Audit(V6("""
            -A DOCKER-USER -i bridge1 -o bridge2 -d 2001:db8:2::5/128 -p tcp --dport 443 -j ACCEPT
            -A DOCKER-USER -i bridge2 -o bridge1 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
            """));

        var entry = Assert.Single(report.ReachabilityV6!, e => e.From == "bridge1");
        Assert.Equal(ReachabilityVerdict.Partial, entry.Verdict);
        Assert.Equal(new AllowedFlow("tcp", "443", "2001:db8:2::5", "connection"), Assert.Single(entry.Flows));
        Assert.Contains("IPv6", Assert.Single(report.Findings, f => f.Code == FindingCodes.NetworksPartlyOpen).Message);
    }

    [Fact]
    public void Icc_over_IPv6_is_off_when_every_packet_between_the_containers_is_dropped_though_neighbour_discovery_is_undecided()
    {
        var report = Audit(V6("""
            -A DOCKER-USER -i bridge1 -o bridge1 -p ipv6-icmp -m icmp6 --icmpv6-type 135 -m statistic --mode random --probability 0.5 -j ACCEPT
            -A DOCKER-USER -i bridge1 -o bridge1 -p ipv6-icmp -m icmp6 --icmpv6-type 136 -m statistic --mode random --probability 0.5 -j ACCEPT
            -A DOCKER-USER -i bridge1 -o bridge1 -j DROP
            """));

        var bridge1 = report.Networks.Single(n => n.Name == "bridge1");
        Assert.Equal((true, false), (bridge1.IccV6!.Declared, bridge1.IccV6.Effective));
    }

    [Fact]
    public void Icc_off_kept_in_iptables_but_not_in_ip6tables_raises_the_icc_finding_naming_IPv6()
    {
        var view = DualStack with { Networks = [DualStack.Networks[0], DualStack.Networks[1] with { EnableIcc = false }] };
        var host = Sysctl("net.bridge.bridge-nf-call-iptables=1", "net.bridge.bridge-nf-call-ip6tables=1");

        // The IPv6 fixture still accepts bridge2 -> bridge2 (dockerd wrote it with icc on).
        var report = Auditor.Run(new AuditContext(Read(new DockerHost(Bridge2IccOff: true).ToString()), V6(), view, host));

        var finding = Assert.Single(report.Findings, f => f.Code == FindingCodes.IccNotEnforced);
        Assert.StartsWith("over IPv6 (ip6tables), bridge2 has icc disabled", finding.Message);
        var bridge2 = Assert.Single(report.Networks, n => n.Name == "bridge2");
        Assert.Equal((false, false), (bridge2.Icc.Declared, bridge2.Icc.Effective));
        Assert.Equal((false, true), (bridge2.IccV6!.Declared, bridge2.IccV6.Effective));
    }

    [Fact]
    public void An_ip6tables_ruleset_without_Docker_chains_is_judged_as_it_is_and_DFW630_says_why()
    {
        // dockerd with ip6tables=false (oracle F8): dual-stack networks, no IPv6 rule of Docker's; the
        // kernel forwards their IPv6 traffic, and this ruleset accepts it all.
        var report = Audit(Read6("""
            *filter
            :INPUT ACCEPT [0:0]
            :FORWARD ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            COMMIT

            """));

        Assert.NotNull(report.ReachabilityV6);
        Assert.All(report.ReachabilityV6!, r => Assert.Equal(ReachabilityVerdict.Allowed, r.Verdict));
        Assert.Contains(report.Findings, f => f.Code == FindingCodes.NetworksNotIsolated && f.Message.Contains("IPv6"));
        Assert.Contains(report.Findings, f => f.Code == FindingCodes.NoIpv6Rules);
        Assert.DoesNotContain(report.Findings, f => f.Code == FindingCodes.MasqueradeMissing && f.Message.Contains("IPv6"));
    }

    [Fact]
    public void Without_an_ip6tables_ruleset_there_is_no_IPv6_matrix_nor_notice()
    {
        var report = Auditor.Run(new AuditContext(Read(new DockerHost().ToString()), Ruleset.Empty(IpFamily.V6), DualStack, HostSettings.Unknown) { Ipv6Read = false });

        Assert.Null(report.ReachabilityV6);
        Assert.DoesNotContain(report.Notices, n => n.Contains("IPv6"));
    }
}
