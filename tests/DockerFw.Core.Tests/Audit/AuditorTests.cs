using DockerFw.Core.Audit;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>The whole audit, end to end: every check over one ruleset, the codes sorted.</summary>
public sealed class AuditorTests
{
    private static string[] AllCodes(string dump, HostSettings? host = null) =>
        [.. Report(dump, host).Findings.Select(f => f.Code.Code).Order(StringComparer.Ordinal)];

    [Fact]
    public void A_classic_docker_host_reports_only_its_public_port() =>
        Assert.Equal(["DFW512"], AllCodes(new DockerHost().ToString(), Sysctl("net.ipv4.ip_forward=1", "net.bridge.bridge-nf-call-iptables=1")));

    [Fact]
    public void An_accept_all_in_DOCKER_USER_breaks_every_promise_at_once() =>
        Assert.Equal(["DFW201", "DFW201", "DFW203", "DFW203", "DFW301", "DFW512", "DFW606"], AllCodes(new DockerHost(Bridge2IccOff: true, User: """
            # every new forwarded connection is accepted before Docker's rules
            -A DOCKER-USER -j ACCEPT
            """).ToString(), Sysctl("net.bridge.bridge-nf-call-iptables=1")));

    [Fact]
    public void Docker_s_FORWARD_rules_flushed_leave_dead_ports_and_silent_bridges() =>
        Assert.Equal(["DFW302", "DFW302", "DFW511"], AllCodes(new DockerHost().ToString()
            .Replace("-A FORWARD -j DOCKER-ISOLATION-STAGE-1", "")
            .Replace("-A FORWARD -o bridge2 -j DOCKER", "").Replace("-A FORWARD -o bridge1 -j DOCKER", "")
            .Replace("-A FORWARD -i bridge1 ! -o bridge1 -j ACCEPT", "").Replace("-A FORWARD -i bridge2 ! -o bridge2 -j ACCEPT", "")
            .Replace("-A FORWARD -i bridge1 -o bridge1 -j ACCEPT", "").Replace("-A FORWARD -i bridge2 -o bridge2 -j ACCEPT", "")));

    [Fact]
    public void The_report_lists_the_matrix_for_every_ordered_pair_and_says_the_view_was_inferred()
    {
        var report = Report(new DockerHost().ToString());

        Assert.Equal(["bridge1->bridge2 Denied", "bridge2->bridge1 Denied"], report.Reachability.Select(r => $"{r.From}->{r.To} {r.Verdict}").Order());
        Assert.True(report.ViewInferred);
        Assert.Contains(report.Notices, n => n.StartsWith("view inferred from the ruleset", StringComparison.Ordinal));
    }

    [Fact]
    public void Findings_come_worst_first()
    {
        var report = Report(new DockerHost(User: "-A DOCKER-USER -j ACCEPT").ToString());

        Assert.Equal(report.Findings.Select(f => f.Severity).OrderDescending(), report.Findings.Select(f => f.Severity));
    }

    [Fact]
    public void Networks_of_drivers_it_does_not_judge_are_named_in_a_notice_instead_of_vanishing()
    {
        var view = EngineView.TwoBridges() is var v ? v with
        {
            Networks = [.. v.Networks,
                EngineView.Network("ingress", "10.0.0.0/24") with { Driver = "overlay" },
                EngineView.Network("lan", "192.168.77.0/24") with { Driver = "macvlan" },
                EngineView.Network("host", "192.0.2.248/29") with { Driver = "host" }],
        } : null;

        var report = Report(new DockerHost().ToString(), view: view);

        Assert.Equal(["bridge1", "bridge2"], report.Networks.Select(n => n.Name));
        var notice = Assert.Single(report.Notices, n => n.StartsWith("not judged: lan (macvlan): macvlan, ipvlan", StringComparison.Ordinal));
        // An overlay network's VXLAN is judged (the overlay section); what its containers send each other is not.
        Assert.Contains("overlay networks ingress (overlay): their VXLAN between the nodes", notice, StringComparison.Ordinal);
        Assert.Contains("traffic between their containers is switched in each overlay's own namespace", notice, StringComparison.Ordinal);
        Assert.NotNull(report.Overlay);
    }

    [Fact]
    public void Bridge_networks_alone_need_no_such_notice() =>
        Assert.DoesNotContain(Report(new DockerHost().ToString(), view: EngineView.TwoBridges()).Notices, n => n.StartsWith("not judged", StringComparison.Ordinal));
}
