using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests;

/// <summary>
/// An icc=false network with a hole no sampled probe finds: one port (tcp/5555), or everything
/// between two named containers. The audit says icc is partial with the exact flows (DFW301), and
/// real connections agree.
/// </summary>
[Collection(DefaultLabCollection.Name)]
public sealed class IccHoleScenarioTests
{
    private readonly DefaultLab lab;
    private readonly Traffic traffic;

    public IccHoleScenarioTests(DefaultLab lab)
    {
        this.lab = lab;
        traffic = new Traffic(lab);
        if (LabDaemon.IsRoot) lab.Reset();
    }

    private string Quiet()
    {
        lab.CreateNetwork("quiet", "--subnet", "172.31.31.0/24", "-o", "com.docker.network.bridge.enable_icc=false");
        traffic.EchoServer("q1", ["--network", "quiet"], 80, 5555);
        traffic.EchoServer("q2", ["--network", "quiet"], 80, 5555);
        traffic.EchoServer("q3", ["--network", "quiet"], 80, 5555);
        return lab.BridgeOf("quiet");
    }

    [LabFact]
    public void One_port_opened_on_an_icc_false_network_is_partial_icc_and_connects_on_that_port_only()
    {
        var bridge = Quiet();
        lab.MustInLab("iptables", "-I", "DOCKER-USER", "-i", bridge, "-o", bridge, "-p", "tcp", "--dport", "5555", "-j", "ACCEPT");

        var audit = LabAudit.Of(lab);

        Assert.Equal("partial", audit.EffectiveWord("quiet", "icc"));
        var flow = Assert.Single(audit.SettingFlows("quiet", "icc"));
        Assert.Equal(("tcp", "5555", "connection"), (flow.GetProperty("protocol").GetString(), flow.GetProperty("ports").GetString(), flow.GetProperty("kind").GetString()));
        var finding = Assert.Single(audit.Findings("DFW301"));
        Assert.Contains("tcp/5555", finding.GetProperty("message").GetString(), StringComparison.Ordinal);
        var q1 = traffic.Ip("q1", "quiet");
        var probes = Traffic.All(
            () => traffic.Connects("q2", q1, 5555),
            () => traffic.Connects("q3", q1, 5555),
            () => traffic.Connects("q2", q1, 80),
            () => traffic.Pings("q2", q1));
        Assert.Equal([true, true, false, false], probes);
    }

    [LabFact]
    public void Everything_opened_between_two_named_containers_is_partial_icc_to_that_container_only()
    {
        Quiet();
        var (q1, q2) = (traffic.Ip("q1", "quiet"), traffic.Ip("q2", "quiet"));
        lab.MustInLab("iptables", "-I", "DOCKER-USER", "-s", q1, "-d", q2, "-j", "ACCEPT");

        var audit = LabAudit.Of(lab);

        Assert.Equal("partial", audit.EffectiveWord("quiet", "icc"));
        // Every protocol, to q2 only (the flows are grouped by protocol family and kind, as in the matrix).
        var flows = audit.SettingFlows("quiet", "icc").ToList();
        Assert.All(flows, f => Assert.Equal(q2, f.GetProperty("destinations").GetString()));
        Assert.Contains(flows, f => Holds(f, "tcp") && f.GetProperty("kind").GetString() == "connection");
        Assert.Contains(flows, f => Holds(f, "icmp"));
        Assert.Single(audit.Findings("DFW301"));
        var probes = Traffic.All(
            () => traffic.Connects("q1", q2, 80),
            () => traffic.Connects("q1", q2, 5555),
            () => traffic.Pings("q1", q2),
            () => traffic.Connects("q2", q1, 80),
            () => traffic.Connects("q3", q2, 80));
        Assert.Equal([true, true, true, false, false], probes);
    }

    // A flow's protocols: "all", a list, or "all but" a list (flows that differ only by protocol are one since b85efe8).
    private static bool Holds(System.Text.Json.JsonElement flow, string protocol) =>
        flow.GetProperty("protocol").GetString() is { } p && (p == "all"
            || (p.StartsWith("all but ", StringComparison.Ordinal) ? !p["all but ".Length..].Split(',').Contains(protocol) : p.Split(',').Contains(protocol)));
}
