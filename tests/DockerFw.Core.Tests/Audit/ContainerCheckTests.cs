using DockerFw.Core.Audit.Checks;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

public sealed class ContainerCheckTests
{
    private static readonly ContainerCheck Check = new();

    [Fact]
    public void A_container_on_one_bridge_network_raises_nothing() =>
        Assert.Empty(Codes(Check, new DockerHost().ToString(), view: EngineView.TwoBridges()));

    [Fact]
    public void An_inferred_view_has_no_containers_to_judge() =>
        Assert.Empty(Codes(Check, new DockerHost().ToString()));

    [Fact]
    public void Host_mode_shared_namespaces_and_several_networks_are_each_reported()
    {
        var host = EngineView.Container("node-exporter", "host", "192.0.2.200") with { NetworkMode = "host", Endpoints = [] };
        var sidecar = EngineView.Container("sidecar", "bridge1", "192.0.2.2") with { NetworkMode = "container:c1", Endpoints = [] };
        var proxy = EngineView.Container("proxy", "bridge1", "192.0.2.3");
        proxy = proxy with { Endpoints = [.. proxy.Endpoints, .. EngineView.Container("proxy", "bridge2", "198.51.100.3").Endpoints] };

        Assert.Equal(["DFW701", "DFW702", "DFW703"], Codes(Check, new DockerHost().ToString(), view: EngineView.TwoBridges(true, host, sidecar, proxy)));
    }
}
