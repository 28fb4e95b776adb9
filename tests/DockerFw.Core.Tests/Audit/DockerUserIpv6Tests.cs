using DockerFw.Core.Audit;
using static DockerFw.Tests.Audit.DualStackHost;

namespace DockerFw.Tests.Audit;

/// <summary>ip6tables has a DOCKER-USER of its own (Docker 27+): its order and its accepts are judged there too.</summary>
public sealed class DockerUserIpv6Tests
{
    private static Finding[] Host(AuditReport report, string code) => [.. report.Findings.Where(f => f.Code.Code == code)];

    [Fact]
    public void Docker_s_ip6tables_DOCKER_USER_first_in_FORWARD_and_ending_in_RETURN_raises_nothing()
    {
        var report = AuditOf(V6(), EveryAddress);

        Assert.Empty(Host(report, "DFW603"));
        Assert.Empty(Host(report, "DFW606"));
    }

    [Fact]
    public void A_DOCKER_USER_that_accepts_everything_in_ip6tables_is_reported_over_IPv6()
    {
        var finding = Assert.Single(Host(AuditOf(V6(user: """
            # must raise DFW606 over IPv6: every new IPv6 connection of the bridges is accepted before Docker's rules
            -A DOCKER-USER -j ACCEPT
            """), EveryAddress), "DFW606"));

        Assert.StartsWith("over IPv6 (ip6tables), DOCKER-USER accepts every new connection", finding.Message);
        Assert.Equal(("DOCKER-USER", Core.Model.Values.IpFamily.V6), (Assert.Single(finding.Evidence).Chain, finding.Evidence[0].Family));
    }

    [Fact]
    public void A_FORWARD_rule_before_the_jump_to_DOCKER_USER_in_ip6tables_is_reported_over_IPv6()
    {
        // The fixture's input lines come before FORWARD's own rules, so this ACCEPT precedes the jump.
        var finding = Assert.Single(Host(AuditOf(V6(input: """
            # must raise DFW603 over IPv6: FORWARD accepts bridge1's outbound traffic before DOCKER-USER sees it
            -A FORWARD -i bridge1 -j ACCEPT
            """), EveryAddress), "DFW603"));

        Assert.StartsWith("over IPv6 (ip6tables), FORWARD decides some traffic before its jump to DOCKER-USER (rule 2)", finding.Message);
        Assert.Equal(1, Assert.Single(finding.Evidence).Rule);
    }
}
