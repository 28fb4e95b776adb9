using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;
using DockerFw.Tests.Audit.Overlay;

namespace DockerFw.Tests.Docker;

/// <summary>docker info's Swarm section and the overlay networks' VXLAN settings, as the Engine writes them.</summary>
public sealed class SwarmReaderTests
{
    private static UInt128 Ip(string text) => IpAddressValue.Parse(text, IpFamily.V4);

    [Fact]
    public void Docker_info_gives_the_node_its_role_and_the_managers()
    {
        var swarm = SwarmHost.View().Swarm!;

        Assert.Equal(("u743duofumkbyzt10yx647wkg", Ip("192.168.77.2"), "active", true, 4789),
            (swarm.NodeId, swarm.NodeAddress, swarm.LocalNodeState, swarm.Manager, swarm.DataPathPort));
        Assert.Equal([new SwarmManager("u743duofumkbyzt10yx647wkg", Ip("192.168.77.2"), 2377)], swarm.RemoteManagers.ToArray());
    }

    [Fact]
    public void An_overlay_network_has_its_vnis_its_encryption_by_the_options_key_and_its_peers()
    {
        var view = SwarmHost.View();
        var sec = view.NetworkByName("sec")!.Overlay!;

        Assert.Equal([4097], sec.Vnis.ToArray());
        // The driver tests the key, not its value: "encrypted": "" is encrypted.
        Assert.True(sec.Encrypted);
        Assert.False(view.NetworkByName("plain")!.Overlay!.Encrypted);
        Assert.True(view.NetworkByName("ingress")!.Overlay!.Ingress);
        Assert.Equal([Ip("192.168.77.2"), Ip("192.168.77.3")], sec.Peers.ToArray());
        Assert.Null(view.NetworkByName("docker_gwbridge")!.Overlay);
    }

    [Fact]
    public void A_worker_without_the_clusters_data_path_port_leaves_it_to_the_default()
    {
        const string json = """{"Swarm": {"NodeID": "w", "NodeAddr": "192.168.77.3", "LocalNodeState": "active", "ControlAvailable": false, "RemoteManagers": [{"NodeID": "m", "Addr": "192.168.77.2:2377"}]}}""";
        var swarm = DockerInspectReader.Read(json, "info.json").Value!.Swarm!;

        Assert.False(swarm.Manager);
        Assert.Null(swarm.DataPathPort);
    }

    [Fact]
    public void A_manager_address_that_is_no_address_and_port_is_an_error_naming_it()
    {
        const string json = """{"Swarm": {"LocalNodeState": "active", "RemoteManagers": [{"NodeID": "m", "Addr": "manager-1"}]}}""";
        var read = DockerInspectReader.Read(json, "info.json");

        var error = Assert.Single(read.Diagnostics);
        Assert.Contains("expected an IPv4 address and port such as 192.0.2.10:2377 in \"Addr\", but got 'manager-1'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Views_merged_from_several_files_keep_the_swarm_state()
    {
        var info = DockerInspectReader.Read("""{"Swarm": {"NodeAddr": "192.168.77.3", "LocalNodeState": "active"}}""", "info.json").Value!;
        var networks = DockerInspectReader.Read("""[{"Name": "n", "Id": "n1", "Driver": "bridge", "IPAM": {"Config": []}}]""", "net.json").Value!;

        Assert.Equal(Ip("192.168.77.3"), info.Merge(networks).Swarm!.NodeAddress);
        Assert.Equal(Ip("192.168.77.3"), networks.Merge(info).Swarm!.NodeAddress);
    }

    [Fact]
    public void Docker_info_gives_the_Engines_version_which_a_merge_keeps()
    {
        var info = DockerInspectReader.Read("""{"ServerVersion": "20.10.24+dfsg1"}""", "info.json");
        var networks = DockerInspectReader.Read("""[{"Name": "n", "Id": "n1", "Driver": "bridge", "IPAM": {"Config": []}}]""", "net.json").Value!;

        Assert.Empty(info.Diagnostics);
        Assert.Equal(20, info.Value!.EngineMajor);
        Assert.Equal("20.10.24+dfsg1", networks.Merge(info.Value).EngineVersion);
        Assert.Equal(28, (info.Value with { EngineVersion = "28.2.2" }).EngineMajor);
        Assert.Null(networks.EngineMajor);
    }
}
