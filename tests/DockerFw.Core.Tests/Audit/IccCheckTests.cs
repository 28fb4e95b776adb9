using DockerFw.Core.Audit.Checks;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

public sealed class IccCheckTests
{
    private static readonly IccCheck Check = new();

    [Fact]
    public void Icc_on_with_traffic_passing_raises_nothing() =>
        Assert.Empty(Codes(Check, new DockerHost().ToString()));

    [Fact]
    public void Icc_off_enforced_with_br_netfilter_on_raises_nothing() =>
        Assert.Empty(Codes(Check, new DockerHost(Bridge2IccOff: true).ToString(), Sysctl("net.bridge.bridge-nf-call-iptables=1")));

    [Fact]
    public void Icc_off_with_br_netfilter_unknown_says_the_audit_assumed_it_on() =>
        Assert.Equal(["DFW303"], Codes(Check, new DockerHost(Bridge2IccOff: true).ToString()));

    [Fact]
    public void Icc_off_with_bridge_nf_call_iptables_0_is_not_enforced() =>
        Assert.Equal(["DFW301"], Codes(Check, new DockerHost(Bridge2IccOff: true).ToString(), Sysctl("net.bridge.bridge-nf-call-iptables=0")));

    [Fact]
    public void Icc_off_reopened_by_an_admin_rule_is_not_enforced() =>
        Assert.Equal(["DFW301"], Codes(Check, new DockerHost(Bridge2IccOff: true, User: """
            # must raise DFW301: the ACCEPT runs before Docker's appended icc DROP
            -A DOCKER-USER -i bridge2 -o bridge2 -j ACCEPT
            """).ToString(), Sysctl("net.bridge.bridge-nf-call-iptables=1")));

    [Fact]
    public void Icc_on_blocked_by_an_admin_rule_is_reported() =>
        Assert.Equal(["DFW302"], Codes(Check, new DockerHost(User: """
            # must raise DFW302: the Engine says bridge1 has icc on, but DOCKER-USER drops same-bridge traffic
            -A DOCKER-USER -i bridge1 -o bridge1 -j DROP
            """).ToString(), view: EngineView.TwoBridges()));

    [Fact]
    public void The_report_shows_icc_declared_and_effective()
    {
        var report = Report(new DockerHost(Bridge2IccOff: true, User: "-A DOCKER-USER -i bridge2 -o bridge2 -j ACCEPT").ToString());

        var bridge2 = Assert.Single(report.Networks, n => n.Name == "bridge2");
        Assert.Equal((false, true, true), (bridge2.Icc.Declared, bridge2.Icc.Effective, bridge2.Icc.Drifted));
    }
}
