using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;

namespace DockerFw.Tests.Docker;

public sealed class DockerInspectReaderTests
{
    // Shapes as `docker network inspect` prints them (trimmed to the fields that matter).
    private const string Networks = """
        [
          {"Name": "bridge", "Id": "5f1c0c0e9d3a11aa22bb33cc44dd55ee66ff77889900aabbccddeeff00112233", "Driver": "bridge",
           "IPAM": {"Config": [{"Subnet": "172.17.0.0/16", "Gateway": "172.17.0.1"}]}, "Internal": false,
           "Options": {"com.docker.network.bridge.default_bridge": "true", "com.docker.network.bridge.enable_icc": "true",
                       "com.docker.network.bridge.enable_ip_masquerade": "true", "com.docker.network.bridge.name": "docker0"}},
          {"Name": "backend", "Id": "a1b2c3d4e5f6a7b8c9d0", "Driver": "bridge",
           "IPAM": {"Config": [{"Subnet": "192.0.2.0/24", "Gateway": "192.0.2.1"}, {"Subnet": "fd00:db8::/64"}]}, "Internal": true,
           "Options": {"com.docker.network.bridge.enable_icc": "false", "com.docker.network.bridge.gateway_mode_ipv6": "routed"}},
          {"Name": "host", "Id": "h0", "Driver": "host", "IPAM": {"Config": []}, "Options": {}}
        ]
        """;

    private const string Containers = """
        [
          {"Id": "c0ffee000001", "Name": "/web", "State": {"Running": true},
           "HostConfig": {"NetworkMode": "bridge", "Links": ["/db:/web/db"]},
           "Config": {"ExposedPorts": {"80/tcp": {}}},
           "NetworkSettings": {"Ports": {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}], "53/udp": null},
                               "Networks": {"bridge": {"NetworkID": "5f1c", "IPAddress": "172.17.0.2", "GlobalIPv6Address": "", "Aliases": null}}}},
          {"Id": "c0ffee000002", "Name": "/sidecar", "State": {"Running": false},
           "HostConfig": {"NetworkMode": "container:c0ffee000001"}, "NetworkSettings": {"Networks": {}}}
        ]
        """;

    [Fact]
    public void A_network_without_a_bridge_name_option_gets_br_and_twelve_id_characters()
    {
        var view = Read(Networks);

        Assert.Equal("docker0", view.NetworkByName("bridge")!.Bridge);
        Assert.Equal("br-a1b2c3d4e5f6", view.NetworkByName("backend")!.Bridge);
        Assert.Null(view.NetworkByName("host")!.Bridge);
    }

    [Fact]
    public void Icc_and_masquerade_default_to_on_and_follow_the_options()
    {
        var view = Read(Networks);

        Assert.True(view.NetworkByName("bridge")!.EnableIcc);
        Assert.False(view.NetworkByName("backend")!.EnableIcc);
        Assert.True(view.NetworkByName("backend")!.EnableIpMasquerade);
        Assert.True(view.NetworkByName("backend")!.Internal);
    }

    [Fact]
    public void The_IPv6_gateway_mode_is_read_from_its_option_and_null_without_it()
    {
        var view = Read(Networks);

        Assert.Equal("routed", view.NetworkByName("backend")!.GatewayModeIpv6);
        Assert.Null(view.NetworkByName("bridge")!.GatewayModeIpv6);
    }

    [Fact]
    public void Subnets_of_both_families_are_read_with_their_gateways()
    {
        var backend = Read(Networks).NetworkByName("backend")!;

        Assert.Equal(["192.0.2.0/24", "fd00:db8::/64"], backend.Subnets.Select(s => s.Network.ToString()));
        Assert.Equal(IpAddressValue.Parse("192.0.2.1", IpFamily.V4), backend.Subnets[0].Gateway);
        Assert.Null(backend.Subnets[1].Gateway);
    }

    [Fact]
    public void Containers_carry_endpoints_ports_exposed_ports_and_links()
    {
        var web = Read(Containers).ContainerByName("web")!;

        Assert.True(web.Running);
        Assert.Equal("172.17.0.2", IpAddressValue.Format(web.Endpoints.Single().Ipv4!.Value, IpFamily.V4));
        Assert.Equal(new PortBinding("tcp", 80, "0.0.0.0", 8080), web.Ports.Single());
        Assert.Equal(["80/tcp"], web.ExposedPorts.ToArray());
        Assert.Equal(new ContainerLink("db", "db"), web.Links.Single());
    }

    [Fact]
    public void Each_endpoint_carries_its_gateway_priority_and_an_Engine_before_28_none()
    {
        // Docker 28's `docker run --network name=front,gw-priority=10 --network back`, as inspect prints it.
        var view = Read("""
            [{"Id": "c0ffee000003", "Name": "/api", "State": {"Running": true}, "HostConfig": {"NetworkMode": "front"},
              "NetworkSettings": {"Networks": {
                "front": {"NetworkID": "n1", "IPAddress": "192.0.2.5", "GwPriority": 10},
                "back": {"NetworkID": "n2", "IPAddress": "198.51.100.5", "GwPriority": -1}}}}]
            """);

        var api = view.ContainerByName("api")!;
        Assert.Equal([("front", 10L), ("back", -1L)], api.Endpoints.Select(e => (e.Network, e.GwPriority)));
        Assert.Equal(0, Read(Containers).ContainerByName("web")!.Endpoints.Single().GwPriority);
    }

    [Fact]
    public void A_container_sharing_another_namespace_names_it()
    {
        var sidecar = Read(Containers).ContainerByName("sidecar")!;

        Assert.Equal("c0ffee000001", sidecar.SharesNamespaceWith);
        Assert.False(sidecar.UsesHostNetwork);
    }

    [Fact]
    public void Networks_and_containers_may_come_in_one_file_in_any_order()
    {
        var both = "[" + Containers.Trim()[1..^1] + "," + Networks.Trim()[1..^1] + "]";

        var view = Read(both);

        Assert.Equal(3, view.Networks.Length);
        Assert.Equal(2, view.Containers.Length);
    }

    [Fact]
    public void Broken_json_is_an_error_with_line_and_column()
    {
        var result = DockerInspectReader.Read("[\n  {\"Name\": }\n]", "net.json");

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("net.json:2:12: error: expected the JSON of 'docker inspect' or 'docker network inspect'", error.Render());
    }

    [Fact]
    public void An_object_that_is_neither_network_nor_container_is_a_warning_not_a_failure()
    {
        var result = DockerInspectReader.Read("[{\"Foo\": 1}]", "x.json");

        Assert.True(result.Succeeded);
        Assert.Contains("neither a network", Assert.Single(result.Warnings).Message);
    }

    private static DockerView Read(string json)
    {
        var result = DockerInspectReader.Read(json, "test.json");
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Value!;
    }
}
