using DockerFw.Core.Docker;

namespace DockerFw.Tests.Docker;

/// <summary>
/// Docker JSON of a wrong shape is an error at the value it is about, never a default that turns
/// into false findings: dockerd itself never writes these, so someone or something else did.
/// </summary>
public sealed class DockerJsonShapeTests
{
    private static string Network(string name = "\"web\"", string id = "\"n1\"", string subnet = "\"172.18.0.0/16\"", string options = "{}") => $$"""
        {
          "Name": {{name}},
          "Id": {{id}},
          "Driver": "bridge",
          "IPAM": {"Config": [{"Subnet": {{subnet}}}]},
          "Options": {{options}}
        }
        """;

    private static string[] Errors(string json) =>
        [.. DockerInspectReader.Read(json, "d.json").Diagnostics.Select(d => d.Render())];

    [Fact]
    public void A_subnet_that_is_no_subnet_is_an_error_at_its_value() =>
        Assert.Equal(
            ["d.json:6:34: error: expected a subnet such as 172.18.0.0/16 or fd00::/64 in \"Subnet\", but got '999.0.0.0/8' [DFW171]"],
            Errors("[\n" + Network(subnet: "\"999.0.0.0/8\"") + "\n]"));

    [Fact]
    public void An_icc_option_dockerd_would_refuse_is_an_error() =>
        Assert.Equal(
            ["d.json:7:55: error: expected true or false in \"com.docker.network.bridge.enable_icc\" (as dockerd parses it), but got 'banana' [DFW171]"],
            Errors("[\n" + Network(options: "{\"com.docker.network.bridge.enable_icc\": \"banana\"}") + "\n]"));

    [Theory]
    [InlineData("0", false)]
    [InlineData("f", false)]
    [InlineData("FALSE", false)]
    [InlineData("1", true)]
    [InlineData("True", true)]
    public void Boolean_options_are_read_as_dockerd_reads_them(string value, bool icc)
    {
        var result = DockerInspectReader.Read(Network(options: $"{{\"com.docker.network.bridge.enable_icc\": \"{value}\"}}"), "d.json");

        Assert.Empty(result.Diagnostics);
        Assert.Equal(icc, Assert.Single(result.Value!.Networks).EnableIcc);
    }

    [Fact]
    public void A_name_that_is_a_number_is_an_error() =>
        Assert.Equal(["d.json:3:11: error: expected a string in \"Name\", but got the number 42 [DFW171]"], Errors("[\n" + Network(name: "42") + "\n]"));

    [Fact]
    public void Two_networks_of_one_name_are_an_error_at_the_second() =>
        Assert.Equal(
            ["d.json:9:1: error: expected one network named 'web', but got 2 (ids n1, n2): reports and policies name networks, so a name must be one network [DFW171]"],
            Errors("[\n" + Network() + ",\n" + Network(id: "\"n2\"") + "\n]"));

    [Fact]
    public void The_same_network_listed_twice_is_read_once_with_a_warning()
    {
        var result = DockerInspectReader.Read("[\n" + Network() + ",\n" + Network() + "\n]", "d.json");

        Assert.Equal(["d.json:9:1: warning: network 'web' (id n1) is listed twice; the later one is read [DFW175]"], result.Diagnostics.Select(d => d.Render()));
        Assert.Single(result.Value!.Networks);
    }

    [Fact]
    public void Two_networks_on_one_bridge_are_an_error()
    {
        var options = "{\"com.docker.network.bridge.name\": \"br0\"}";

        Assert.Equal(
            ["d.json:9:1: error: expected one network on bridge 'br0', but networks 'a', 'b' all claim it [DFW171]"],
            Errors("[\n" + Network(name: "\"a\"", options: options) + ",\n" + Network(name: "\"b\"", id: "\"n2\"", options: options) + "\n]"));
    }

    [Fact]
    public void A_container_address_that_is_no_address_is_an_error() =>
        Assert.Equal(
            ["d.json:1:104: error: expected an IPv4 address in \"IPAddress\", but got '172.18.0.300' [DFW171]"],
            Errors("""[{"Name": "/web", "Id": "c1", "NetworkSettings": {"Networks": {"web": {"NetworkID": "n1", "IPAddress": "172.18.0.300"}}}}]"""));

    [Fact]
    public void A_gateway_priority_that_is_no_whole_number_is_an_error() =>
        Assert.Equal(
            ["d.json:1:105: error: expected a whole number in \"GwPriority\", but got a string [DFW171]"],
            Errors("""[{"Name": "/web", "Id": "c1", "NetworkSettings": {"Networks": {"web": {"NetworkID": "n1", "GwPriority": "high"}}}}]"""));

    [Fact]
    public void A_host_port_that_is_no_port_is_an_error() =>
        Assert.Equal(
            ["d.json:1:106: error: expected a port number (0-65535) in \"HostPort\", but got '99999' [DFW171]"],
            Errors("""[{"Name": "/web", "Id": "c1", "NetworkSettings": {"Ports": {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "99999"}]}}}]"""));

    [Fact]
    public void A_network_re_created_between_two_captures_is_one_network_the_later_one()
    {
        var before = DockerInspectReader.Read(Network(), "before.json").Value!;
        var after = DockerInspectReader.Read(Network(id: "\"n2\"", subnet: "\"172.19.0.0/16\""), "after.json").Value!;

        var merged = before.Merge(after);

        Assert.Equal(["n2"], merged.Networks.Select(n => n.Id));
    }
}
