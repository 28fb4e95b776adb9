using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests;

/// <summary>
/// Scenario 4: what an admin might do to Docker's rules, each flagged by the audit and confirmed by
/// traffic, and a daemon restart that brings Docker's rules back.
/// </summary>
[Collection(DefaultLabCollection.Name)]
public sealed class TamperingScenarioTests
{
    private readonly DefaultLab lab;
    private readonly Traffic traffic;

    public TamperingScenarioTests(DefaultLab lab)
    {
        this.lab = lab;
        traffic = new Traffic(lab);
        if (LabDaemon.IsRoot) lab.Reset();
    }

    private (string A, string B) TwoNetworks()
    {
        lab.CreateNetwork("alpha", "--subnet", "172.31.10.0/24");
        lab.CreateNetwork("beta", "--subnet", "172.31.20.0/24");
        traffic.EchoServer("a1", ["--network", "alpha"], 80);
        traffic.EchoServer("b1", ["--network", "beta"], 80);
        return (lab.BridgeOf("alpha"), lab.BridgeOf("beta"));
    }

    [LabFact]
    public void An_accept_in_DOCKER_USER_opening_one_bridge_to_another_is_flagged_and_connects()
    {
        var (a, b) = TwoNetworks();
        lab.MustInLab("iptables", "-I", "DOCKER-USER", "-i", a, "-o", b, "-j", "ACCEPT");
        lab.MustInLab("iptables", "-I", "DOCKER-USER", "-i", b, "-o", a, "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "ACCEPT");

        var audit = LabAudit.Of(lab);

        Assert.Equal("allowed", audit.Reach("alpha", "beta"));
        Assert.Equal("denied", audit.Reach("beta", "alpha"));
        Assert.Contains(audit.Findings("DFW201"), f => LabAudit.Names(f, "networks").Order().SequenceEqual(["alpha", "beta"]));
        Assert.Equal(1, audit.ExitCode);
        var probes = Traffic.All(
            () => traffic.Connects("a1", traffic.Ip("b1", "beta"), 80),
            () => traffic.Connects("b1", traffic.Ip("a1", "alpha"), 80));
        Scenario.AssertTrafficAgrees(audit, "alpha", "beta", probes[0], "a1 -> b1:80");
        Scenario.AssertTrafficAgrees(audit, "beta", "alpha", probes[1], "b1 -> a1:80");
    }

    [LabFact]
    public void An_accept_without_its_replies_is_one_way_and_connects_nothing()
    {
        var (a, b) = TwoNetworks();
        lab.MustInLab("iptables", "-I", "DOCKER-USER", "-i", a, "-o", b, "-j", "ACCEPT");

        var audit = LabAudit.Of(lab);

        Assert.False(traffic.Connects("a1", traffic.Ip("b1", "beta"), 80), "the replies die in beta's isolation rule");
        var flows = audit.Flows("alpha", "beta").ToList();
        Assert.NotEmpty(flows);
        Assert.All(flows, f => Assert.Equal("one-way", f.GetProperty("kind").GetString()));
    }

    // docs/audit-json.md defines "allowed" as "every new connection passes"; real traffic shows none does.
    [LabFact]
    public void An_accept_without_its_replies_is_not_reported_as_allowed()
    {
        var (a, b) = TwoNetworks();
        lab.MustInLab("iptables", "-I", "DOCKER-USER", "-i", a, "-o", b, "-j", "ACCEPT");

        var audit = LabAudit.Of(lab);

        Assert.False(traffic.Connects("a1", traffic.Ip("b1", "beta"), 80));
        Scenario.AssertTrafficAgrees(audit, "alpha", "beta", connected: false, "a1 -> b1:80");
        Assert.Equal("partial", audit.Reach("alpha", "beta"));
        Assert.Equal(["alpha", "beta"], LabAudit.Names(Assert.Single(audit.Findings("DFW202")), "networks"));
        Assert.Empty(audit.Findings("DFW201"));
    }

    [LabFact]
    public void A_rule_reopening_an_icc_false_bridge_is_flagged_high_and_containers_connect()
    {
        lab.CreateNetwork("quiet", "--subnet", "172.31.30.0/24", "-o", "com.docker.network.bridge.enable_icc=false");
        traffic.EchoServer("q1", ["--network", "quiet"], 80);
        traffic.EchoServer("q2", ["--network", "quiet"], 80);
        var bridge = lab.BridgeOf("quiet");
        lab.MustInLab("iptables", "-I", "DOCKER-USER", "-i", bridge, "-o", bridge, "-j", "ACCEPT");

        var audit = LabAudit.Of(lab);

        Assert.False(audit.Declared("quiet", "icc"));
        Assert.True(audit.Effective("quiet", "icc"));
        Assert.Equal(["quiet"], LabAudit.Names(Assert.Single(audit.Findings("DFW301")), "networks"));
        Assert.True(traffic.Connects("q2", traffic.Ip("q1", "quiet"), 80));
    }

    [LabFact]
    public void A_deleted_masquerade_rule_is_flagged_and_the_network_loses_its_way_out()
    {
        var (a, _) = TwoNetworks();
        Assert.True(traffic.ReachesOutside("a1"), "before: alpha is masqueraded");
        lab.MustInLab("iptables", "-t", "nat", "-D", "POSTROUTING", "-s", lab.Subnet("alpha"), "!", "-o", a, "-j", "MASQUERADE");

        var audit = LabAudit.Of(lab);

        Assert.True(audit.Declared("alpha", "masquerade"));
        Assert.False(audit.Effective("alpha", "masquerade"));
        Assert.True(audit.Effective("beta", "masquerade"));
        Assert.Equal(["alpha"], LabAudit.Names(Assert.Single(audit.Findings("DFW401")), "networks"));
        Assert.Equal([false, true], Traffic.All(() => traffic.ReachesOutside("a1"), () => traffic.ReachesOutside("b1")));
    }

    [LabFact]
    public void Deleted_isolation_rules_are_flagged_and_the_bridges_connect()
    {
        var (a, b) = TwoNetworks();
        lab.MustInLab("iptables", "-D", "DOCKER-ISOLATION-STAGE-2", "-o", a, "-j", "DROP");
        lab.MustInLab("iptables", "-D", "DOCKER-ISOLATION-STAGE-2", "-o", b, "-j", "DROP");

        var audit = LabAudit.Of(lab);

        Assert.Equal("allowed", audit.Reach("alpha", "beta"));
        Assert.Equal("allowed", audit.Reach("beta", "alpha"));
        Assert.Contains(audit.Findings("DFW201"), f => LabAudit.Names(f, "networks").Order().SequenceEqual(["alpha", "beta"]));
        var probes = Traffic.All(
            () => traffic.Connects("a1", traffic.Ip("b1", "beta"), 80),
            () => traffic.Connects("b1", traffic.Ip("a1", "alpha"), 80));
        Assert.Equal([true, true], probes);
    }

    [LabFact]
    public void With_bridge_nf_call_iptables_0_icc_false_does_nothing_and_the_audit_says_so()
    {
        lab.CreateNetwork("quiet", "--subnet", "172.31.30.0/24", "-o", "com.docker.network.bridge.enable_icc=false");
        traffic.EchoServer("q1", ["--network", "quiet"], 80);
        traffic.EchoServer("q2", ["--network", "quiet"], 80);
        Assert.False(traffic.Connects("q2", traffic.Ip("q1", "quiet"), 80), "before: icc=false holds");
        lab.MustInLab("sysctl", "-qw", "net.bridge.bridge-nf-call-iptables=0");

        var audit = LabAudit.Of(lab);

        Assert.Equal("0", audit.Root.GetProperty("sysctls").GetProperty("net.bridge.bridge-nf-call-iptables").GetString());
        Assert.False(audit.Declared("quiet", "icc"));
        Assert.True(audit.Effective("quiet", "icc"));
        Assert.Equal(["quiet"], LabAudit.Names(Assert.Single(audit.Findings("DFW301")), "networks"));
        Assert.True(traffic.Connects("q2", traffic.Ip("q1", "quiet"), 80), "bridged traffic skips iptables");
    }

    [LabFact]
    public void After_a_daemon_restart_the_rules_come_back_and_the_audit_sees_the_same_host()
    {
        lab.CreateNetwork("alpha", "--subnet", "172.31.10.0/24");
        lab.CreateNetwork("quiet", "--subnet", "172.31.30.0/24", "-o", "com.docker.network.bridge.enable_icc=false");
        traffic.EchoServer("a1", ["--network", "alpha", "--restart", "always"], 80);
        traffic.EchoServer("q1", ["--network", "quiet", "--restart", "always"], 80);
        var before = LabAudit.Of(lab);
        lab.MustInLab("iptables", "-D", "DOCKER-ISOLATION-STAGE-2", "-o", lab.BridgeOf("alpha"), "-j", "DROP");
        lab.MustInLab("iptables", "-D", "DOCKER-ISOLATION-STAGE-2", "-o", lab.BridgeOf("quiet"), "-j", "DROP");
        Assert.Contains("DFW201", LabAudit.Of(lab).Codes);

        lab.Restart();
        var after = LabAudit.Of(lab);

        foreach (var part in new[] { "networks", "reachability", "links", "docker_user" })
            Assert.Equal(before.Part(part), after.Part(part));
        Assert.Equal(before.Codes.Order(), after.Codes.Order());
        Assert.Equal("denied", after.Reach("alpha", "quiet"));
        Assert.False(traffic.Connects("a1", traffic.Ip("q1", "quiet"), 80));
    }
}
