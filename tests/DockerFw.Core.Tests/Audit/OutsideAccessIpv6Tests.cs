using DockerFw.Core.Audit;
using static DockerFw.Tests.Audit.DualStackHost;

namespace DockerFw.Tests.Audit;

/// <summary>
/// In IPv6 a host outside routes to container addresses more often than not: ip6tables must keep
/// new connections to anything but the published ports out, as iptables does (DFW203).
/// </summary>
public sealed class OutsideAccessIpv6Tests
{
    private static readonly string OpenBridge = """
        # must raise DFW203 over IPv6: DOCKER-USER lets every new connection into bridge1 in ip6tables
        -A DOCKER-USER -o bridge1 -j ACCEPT
        """;

    private static Finding[] Outside(AuditReport report) => [.. report.Findings.Where(f => f.Code.Code == "DFW203")];

    [Fact]
    public void Docker_s_ip6tables_rules_let_only_the_published_port_in_from_outside() =>
        Assert.Empty(Outside(AuditOf(V6(), EveryAddress)));

    [Fact]
    public void A_bridge_ip6tables_opens_to_the_world_is_reported_over_IPv6_with_ip6tables_evidence()
    {
        var finding = Assert.Single(Outside(AuditOf(V6(user: OpenBridge), EveryAddress)));

        Assert.StartsWith("over IPv6 (ip6tables), hosts outside can open connections to containers of bridge1 that no published port allows", finding.Message);
        // c1's published port (tcp/80 at 2001:db8:1::2) is the one thing that is meant to be open.
        Assert.Contains("tcp/0-79,81-65535 to 2001:db8:1::2;", finding.Message);
        var evidence = Assert.Single(finding.Evidence);
        Assert.Equal(("DOCKER-USER", Core.Model.Values.IpFamily.V6), (evidence.Chain, evidence.Family));
    }

    [Fact]
    public void A_network_routed_in_IPv6_is_reachable_by_design() =>
        Assert.Empty(Outside(AuditOf(V6(user: OpenBridge),
            View(EveryAddress) is var view ? view with { Networks = [.. view.Networks.Select(n => n.Name == "bridge1" ? n with { GatewayModeIpv6 = "routed" } : n)] } : view)));
}
