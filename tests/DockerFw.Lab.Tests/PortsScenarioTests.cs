using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests;

/// <summary>
/// Scenario 3: a published port (<c>-p 8080:80</c>), an <c>--internal</c> network, a container in host
/// network mode, and one sharing another's namespace (<c>--network container:NAME</c>).
/// </summary>
[Collection(DefaultLabCollection.Name)]
public sealed class PortsScenarioTests
{
    private readonly DefaultLab lab;
    private readonly Traffic traffic;

    public PortsScenarioTests(DefaultLab lab)
    {
        this.lab = lab;
        traffic = new Traffic(lab);
        if (LabDaemon.IsRoot) lab.Reset();
    }

    [LabFact]
    public void A_published_port_is_reported_with_its_container_and_answers_from_outside_the_host()
    {
        lab.CreateNetwork("pub", "--subnet", "172.31.40.0/24");
        traffic.EchoServer("web", ["--network", "pub", "-p", "8080:80"], 80, 81);

        var audit = LabAudit.Of(lab);

        var port = Assert.Single(audit.PublishedPorts, p => p.GetProperty("host_port").GetInt32() == 8080 && p.GetProperty("host_ip").GetString() == "0.0.0.0");
        Assert.Equal(("web", "pub", 80, true), (port.GetProperty("container").GetString(), port.GetProperty("network").GetString(),
            port.GetProperty("container_port").GetInt32(), port.GetProperty("filter_accepts").GetBoolean()));
        Assert.Contains(audit.Findings("DFW512"), f => LabAudit.Names(f, "containers").Contains("web"));
        Assert.Empty(audit.Findings("DFW203"));
        Assert.True(audit.Effective("pub", "masquerade"));
        var probes = Traffic.All(
            () => traffic.ConnectsFromOutside(LabDaemon.UplinkAddress, 8080),
            () => traffic.ConnectsFromOutside(LabDaemon.UplinkAddress, 81),
            () => traffic.ReachesOutside("web"));
        Assert.Equal([true, false, true], probes);

        // A LAN router with a route to the container subnet: the port that is not published stays closed.
        lab.InOutside("ip", "route", "add", "172.31.40.0/24", "via", LabDaemon.UplinkAddress);
        try
        {
            Assert.False(traffic.ConnectsFromOutside(traffic.Ip("web", "pub"), 81), "an unpublished port is not reachable from the LAN");
        }
        finally
        {
            lab.InOutside("ip", "route", "del", "172.31.40.0/24");
        }
    }

    [LabFact]
    public void An_internal_network_is_not_masqueraded_and_has_no_way_out()
    {
        lab.CreateNetwork("sealed", "--internal", "--subnet", "172.31.50.0/24");
        lab.CreateNetwork("open", "--subnet", "172.31.60.0/24");
        traffic.EchoServer("s1", ["--network", "sealed"], 80);
        traffic.EchoServer("s2", ["--network", "sealed"], 80);
        traffic.EchoServer("o1", ["--network", "open"], 80);

        var audit = LabAudit.Of(lab);

        Assert.True(audit.Network("sealed").GetProperty("internal").GetBoolean());
        Assert.False(audit.Declared("sealed", "masquerade"));
        Assert.False(audit.Effective("sealed", "masquerade"));
        Assert.Empty(audit.Findings("DFW402"));
        Assert.Equal("denied", audit.Reach("sealed", "open"));
        Assert.Equal("denied", audit.Reach("open", "sealed"));
        var probes = Traffic.All(
            () => traffic.ReachesOutside("s1"),
            () => traffic.Connects("s1", traffic.Ip("o1", "open"), 80),
            () => traffic.Connects("o1", traffic.Ip("s1", "sealed"), 80),
            () => traffic.Connects("s2", traffic.Ip("s1", "sealed"), 80),
            () => traffic.ReachesOutside("o1"));
        Assert.Equal([false, false, false, true, true], probes);
    }

    [LabFact]
    public void Host_network_mode_and_a_shared_namespace_are_reported_and_behave_as_reported()
    {
        lab.CreateNetwork("pub", "--subnet", "172.31.40.0/24");
        traffic.EchoServer("web", ["--network", "pub"], 80);
        traffic.EchoServer("side", ["--network", "container:web"], 81);
        traffic.EchoServer("hostc", ["--network", "host"], 7070);

        var audit = LabAudit.Of(lab);

        Assert.Equal(["hostc"], LabAudit.Names(Assert.Single(audit.Findings("DFW701")), "containers"));
        Assert.Contains("side", LabAudit.Names(Assert.Single(audit.Findings("DFW702")), "containers"));
        var probes = Traffic.All(
            // The host-mode container listens on the lab host's own addresses: the LAN reaches it unfiltered by Docker.
            () => traffic.ConnectsFromOutside(LabDaemon.UplinkAddress, 7070),
            // side shares web's namespace: web's address and loopback are side's too.
            () => traffic.Connects("web", "127.0.0.1", 81),
            () => traffic.Connects("side", "127.0.0.1", 80));
        Assert.Equal([true, true, true], probes);
    }
}
