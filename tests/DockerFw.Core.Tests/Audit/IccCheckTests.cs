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
    public void Icc_on_where_only_first_packets_pass_is_blocked()
    {
        // Oracle seed 3101: a policy's reply rule deleted left icc "partial" with one-way flows only;
        // no connection between the containers completed, and DFW302 was missing.
        var dump = new DockerHost(User: """
            -A DOCKER-USER -i bridge1 -o bridge1 -m conntrack --ctstate RELATED,ESTABLISHED -j DROP
            -A DOCKER-USER -i bridge1 -o bridge1 -p tcp -m tcp --dport 5432 -j ACCEPT
            -A DOCKER-USER -i bridge1 -o bridge1 -j DROP
            """).ToString();

        var report = Report(dump, view: EngineView.TwoBridges());

        var icc = Assert.Single(report.Networks, n => n.Name == "bridge1").Icc;
        Assert.All(icc.PartialFlows!.Value, f => Assert.Equal("one-way", f.Kind));
        var blocked = Assert.Single(report.Findings, f => f.Code.Code == "DFW302");
        Assert.Contains("only first packets pass, their replies do not: tcp/5432", blocked.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_report_shows_icc_declared_and_effective()
    {
        var report = Report(new DockerHost(Bridge2IccOff: true, User: "-A DOCKER-USER -i bridge2 -o bridge2 -j ACCEPT").ToString());

        var bridge2 = Assert.Single(report.Networks, n => n.Name == "bridge2");
        Assert.Equal((false, true, true), (bridge2.Icc.Declared, bridge2.Icc.Effective, bridge2.Icc.Drifted));
    }

    [Fact]
    public void Icc_off_with_one_port_open_is_partial_and_reported()
    {
        // A port no sampled probe used: before the symbolic answer, "off / off" and no finding.
        var dump = new DockerHost(Bridge2IccOff: true, User: "-A DOCKER-USER -i bridge2 -o bridge2 -p tcp -m tcp --dport 5555 -j ACCEPT").ToString();
        var report = Report(dump, Sysctl("net.bridge.bridge-nf-call-iptables=1"));

        var icc = Assert.Single(report.Networks, n => n.Name == "bridge2").Icc;
        Assert.Equal((false, (bool?)null, true), (icc.Declared, icc.Effective, icc.Drifted));
        var flow = Assert.Single(icc.PartialFlows!.Value);
        Assert.Equal(("tcp", "5555"), (flow.Protocol, flow.Ports));
        var finding = Assert.Single(report.Findings, f => f.Code.Code == "DFW301");
        Assert.Contains("tcp/5555", finding.Message, StringComparison.Ordinal);
        Assert.Contains(finding.Evidence, e => e.Chain == "DOCKER-USER" && e.Text.Contains("5555", StringComparison.Ordinal));
    }

    [Fact]
    public void Icc_off_with_tcp_80_open_is_partial_not_off() =>
        Assert.Equal(["DFW301"], Codes(Check, new DockerHost(Bridge2IccOff: true,
            User: "-A DOCKER-USER -i bridge2 -o bridge2 -p tcp -m tcp --dport 80 -j ACCEPT").ToString(), Sysctl("net.bridge.bridge-nf-call-iptables=1")));

    [Fact]
    public void Icc_off_open_between_two_named_containers_only_is_reported()
    {
        // The hole is between the two containers Docker names; made-up probe addresses never met it.
        var view = EngineView.TwoBridges(bridge2Icc: false,
            EngineView.Container("a", "bridge2", "198.51.100.2"), EngineView.Container("b", "bridge2", "198.51.100.3"));
        var dump = new DockerHost(Bridge2IccOff: true, User: "-A DOCKER-USER -s 198.51.100.2/32 -d 198.51.100.3/32 -j ACCEPT").ToString();
        var report = Report(dump, Sysctl("net.bridge.bridge-nf-call-iptables=1"), view);

        var icc = Assert.Single(report.Networks, n => n.Name == "bridge2").Icc;
        Assert.NotNull(icc.PartialFlows);
        Assert.Contains(icc.PartialFlows!.Value, f => f.Destinations == "198.51.100.3");
        Assert.Contains(report.Findings, f => f.Code.Code == "DFW301");
    }

    [Fact]
    public void Icc_off_open_between_two_addresses_no_container_has_is_not_a_hole()
    {
        // Judged between the real containers: a rule between addresses nobody holds opens nothing.
        var view = EngineView.TwoBridges(bridge2Icc: false,
            EngineView.Container("a", "bridge2", "198.51.100.2"), EngineView.Container("b", "bridge2", "198.51.100.3"));
        var dump = new DockerHost(Bridge2IccOff: true, User: "-A DOCKER-USER -s 198.51.100.200/32 -d 198.51.100.201/32 -j ACCEPT").ToString();

        Assert.Empty(Codes(Check, dump, Sysctl("net.bridge.bridge-nf-call-iptables=1"), view));
    }
}
