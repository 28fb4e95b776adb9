using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests;

/// <summary>
/// Scenario 1, the seeds of the project: two user-defined bridges and the default bridge, isolated
/// from each other; names resolve on a user network; a container connected to a second network
/// reaches and is reached from both, and the audit says it joins them.
/// </summary>
[Collection(DefaultLabCollection.Name)]
public sealed class IsolationScenarioTests
{
    private readonly DefaultLab lab;
    private readonly Traffic traffic;

    public IsolationScenarioTests(DefaultLab lab)
    {
        this.lab = lab;
        traffic = new Traffic(lab);
        if (LabDaemon.IsRoot) lab.Reset();
    }

    [LabFact]
    public void Two_user_bridges_and_the_default_bridge_are_isolated_and_traffic_agrees_pair_by_pair()
    {
        lab.CreateNetwork("alpha", "--subnet", "172.31.10.0/24");
        lab.CreateNetwork("beta", "--subnet", "172.31.20.0/24");
        traffic.EchoServer("a1", ["--network", "alpha"], 80);
        traffic.EchoServer("a2", ["--network", "alpha"], 80);
        traffic.EchoServer("b1", ["--network", "beta"], 80);
        traffic.EchoServer("d1", [], 80);
        var ip = new Dictionary<string, string>
        {
            ["a1"] = traffic.Ip("a1", "alpha"), ["b1"] = traffic.Ip("b1", "beta"), ["d1"] = traffic.Ip("d1", "bridge"),
        };

        var audit = LabAudit.Of(lab);

        Assert.False(audit.Root.GetProperty("inferred").GetBoolean());
        foreach (var network in new[] { "alpha", "beta", "bridge" })
            Assert.True(audit.Effective(network, "icc"), $"{network}: icc on\n{audit.Json}");
        Assert.Equal(lab.BridgeOf("alpha"), audit.Network("alpha").GetProperty("bridge").GetString());
        Assert.Equal("docker0", audit.Network("bridge").GetProperty("bridge").GetString());
        (string From, string FromNet, string To, string ToNet)[] pairs =
        [
            ("a2", "alpha", "b1", "beta"), ("b1", "beta", "a1", "alpha"), ("a2", "alpha", "d1", "bridge"),
            ("d1", "bridge", "a1", "alpha"), ("b1", "beta", "d1", "bridge"), ("d1", "bridge", "b1", "beta"),
        ];
        foreach (var (_, fromNet, _, toNet) in pairs) Assert.Equal("denied", audit.Reach(fromNet, toNet));
        Assert.Empty(audit.Findings("DFW201"));
        Assert.Empty(audit.Findings("DFW202"));

        var connected = Traffic.All([.. pairs.Select(p => (Func<bool>)(() => traffic.Connects(p.From, ip[p.To], 80))),
            () => traffic.Connects("a2", ip["a1"], 80)]);
        for (var i = 0; i < pairs.Length; i++)
            Scenario.AssertTrafficAgrees(audit, pairs[i].FromNet, pairs[i].ToNet, connected[i], $"{pairs[i].From} -> {pairs[i].To}:80");
        Assert.True(connected[^1], "a2 -> a1 on the same network (icc on) connects");
    }

    [LabFact]
    public void Names_resolve_on_a_user_network()
    {
        lab.CreateNetwork("alpha", "--subnet", "172.31.10.0/24");
        traffic.EchoServer("a1", ["--network", "alpha"], 80);
        traffic.EchoServer("a2", ["--network", "alpha"], 80);

        var audit = LabAudit.Of(lab);

        Assert.True(audit.Effective("alpha", "icc"));
        Assert.True(traffic.Connects("a2", "a1", 80), "a2 reaches a1 by its name through Docker's embedded DNS");
    }

    [LabFact]
    public void A_container_connected_to_a_second_network_is_reached_from_both_and_reported_as_joining_them()
    {
        lab.CreateNetwork("alpha", "--subnet", "172.31.10.0/24");
        lab.CreateNetwork("beta", "--subnet", "172.31.20.0/24");
        traffic.EchoServer("a1", ["--network", "alpha"], 80);
        traffic.EchoServer("b1", ["--network", "beta"], 80);
        traffic.EchoServer("joiner", ["--network", "alpha"], 80);
        lab.MustDocker("network", "connect", "beta", "joiner");

        var audit = LabAudit.Of(lab);

        var joins = Assert.Single(audit.Findings("DFW703"));
        Assert.Equal(["joiner"], LabAudit.Names(joins, "containers"));
        Assert.Equal(["alpha", "beta"], LabAudit.Names(joins, "networks").Order());
        Assert.Equal("denied", audit.Reach("alpha", "beta"));
        var reached = Traffic.All(
            () => traffic.Connects("a1", traffic.Ip("joiner", "alpha"), 80),
            () => traffic.Connects("b1", traffic.Ip("joiner", "beta"), 80),
            () => traffic.Connects("joiner", traffic.Ip("a1", "alpha"), 80),
            () => traffic.Connects("joiner", traffic.Ip("b1", "beta"), 80),
            () => traffic.Connects("a1", traffic.Ip("b1", "beta"), 80));
        Assert.Equal([true, true, true, true, false], reached);
    }
}
