using DockerFw.Core.Fleet;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Tests.Fleet;

public sealed class LinkListReaderTests
{
    [Fact]
    public void Reads_kinds_mtus_masters_and_tunnel_ends_as_ip_d_j_link_prints_them()
    {
        var (links, problem) = LinkListReader.Read("""
            [{"ifindex":1,"ifname":"lo","mtu":65536,"link_type":"loopback"},
             {"ifindex":4,"ifname":"vx0","mtu":1450,"linkinfo":{"info_kind":"vxlan","info_data":{"id":42,"remote":"192.168.77.2","local":"192.168.77.1","port":4789}}},
             {"ifindex":5,"ifname":"veth1","mtu":1500,"master":"docker0","linkinfo":{"info_kind":"veth","info_slave_kind":"bridge"}}]
            """);

        Assert.Null(problem);
        Assert.Equal(new HostLink("lo", null, 65536, null, null, null, null), links[0]);
        Assert.Equal(new HostLink("vx0", "vxlan", 1450, null, IpAddressValue.Parse("192.168.77.1", IpFamily.V4), IpAddressValue.Parse("192.168.77.2", IpFamily.V4), 4789), links[1]);
        Assert.True(links[1].IsTunnel);
        Assert.Equal(50, links[1].Overhead);
        Assert.Equal("docker0", links[2].Master);
        Assert.False(links[2].IsTunnel);
    }

    [Theory]
    [InlineData("{", "the link listing is not JSON")]
    [InlineData("{}", "the link listing is not a JSON array")]
    [InlineData("[{\"mtu\":1500}]", "a link without an ifname")]
    public void Refuses_what_is_not_a_link_listing(string json, string message) =>
        Assert.StartsWith(message, LinkListReader.Read(json).Error);
}
