using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;

namespace DockerFw.Tests.Docker;

/// <summary>
/// A container's routes as its namespace's /proc lists them. The samples are the kernel's own output
/// (6.x): a namespace with eth0 on 172.31.81.0/24 and fd00:dfa:81::/64 and eth1 on 172.31.80.0/24,
/// before and after `ip route add default via 172.31.81.1` and `ip -6 route add default via fd00:dfa:81::1`.
/// </summary>
public sealed class ProcRouteReaderTests
{
    // IPv4 lines are tab-separated and padded with blanks to 127 characters, as the kernel writes them.
    internal const string Ipv4NoDefault =
        "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT                                                       \n"
        + "eth1\t00501FAC\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0                                                                               \n"
        + "eth0\t00511FAC\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0                                                                               \n";

    internal const string Ipv4Default =
        "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT                                                       \n"
        + "eth0\t00000000\t01511FAC\t0003\t0\t0\t0\t00000000\t0\t0\t0                                                                               \n"
        + "eth1\t00501FAC\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0                                                                               \n"
        + "eth0\t00511FAC\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0                                                                               \n";

    // Every namespace lists the IPv6 null entry (::/0, reject, on lo), twice here: it is no default route.
    internal const string Ipv6NoDefault = """
        fd000dfa008100000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000002 00000000 00000001     eth0
        fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth1
        fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0
        00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo
        00000000000000000000000000000001 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000002 00000000 80200001       lo
        fd000dfa008100000000000000000002 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000003 00000000 80200001     eth0
        ff000000000000000000000000000000 08 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000002 00000000 00000001     eth1
        ff000000000000000000000000000000 08 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000002 00000000 00000001     eth0
        00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo

        """;

    internal const string Ipv6Default = """
        fd000dfa008100000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000002 00000000 00000001     eth0
        fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth1
        fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0
        00000000000000000000000000000000 00 00000000000000000000000000000000 00 fd000dfa008100000000000000000001 00000400 00000001 00000000 00000003     eth0
        00000000000000000000000000000001 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000002 00000000 80200001       lo
        fd000dfa008100000000000000000002 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000003 00000000 80200001     eth0
        ff000000000000000000000000000000 08 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000002 00000000 00000001     eth1
        ff000000000000000000000000000000 08 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000002 00000000 00000001     eth0
        00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo

        """;

    private static string Describe(ContainerRoute? route, IpFamily family) => route is null ? "none"
        : $"via {IpAddressValue.Format(route.Gateway, family)} dev {route.Device} metric {route.Metric}";

    private static ContainerRouteTable Read(string text, IpFamily family)
    {
        var read = family == IpFamily.V4 ? ProcRouteReader.ReadIpv4(text, "route") : ProcRouteReader.ReadIpv6(text, "ipv6_route");
        Assert.True(read.Succeeded, string.Join("\n", read.Diagnostics));
        return read.Value!;
    }

    [Theory]
    [InlineData(Ipv4Default, "via 172.31.81.1 dev eth0 metric 0")]
    [InlineData(Ipv4NoDefault, "none")]
    public void The_IPv4_default_route_is_read_from_the_little_endian_words(string text, string expected) =>
        Assert.Equal(expected, Describe(Read(text, IpFamily.V4).Default, IpFamily.V4));

    [Theory]
    [InlineData(Ipv6Default, "via fd00:dfa:81::1 dev eth0 metric 1024")]
    [InlineData(Ipv6NoDefault, "none")]
    public void The_IPv6_default_route_is_read_and_the_null_entry_is_none(string text, string expected) =>
        Assert.Equal(expected, Describe(Read(text, IpFamily.V6).Default, IpFamily.V6));

    [Fact]
    public void Connected_routes_keep_their_prefix_and_device()
    {
        var v4 = Read(Ipv4Default, IpFamily.V4).Routes.Select(r => $"{r.Destination} {r.Device}");
        var v6 = Read(Ipv6NoDefault, IpFamily.V6).Routes.Where(r => r.Device == "eth0").Select(r => r.Destination.ToString());

        Assert.Equal(["0.0.0.0/0 eth0", "172.31.80.0/24 eth1", "172.31.81.0/24 eth0"], v4);
        Assert.Equal(["fd00:dfa:81::/64", "fe80::/64", "fd00:dfa:81::2/128", "ff00::/8"], v6);
    }

    [Fact]
    public void A_line_of_another_shape_is_an_error_at_its_line()
    {
        var read = ProcRouteReader.ReadIpv4(Ipv4NoDefault + "eth0 00000000 zz\n", "route");

        Assert.Equal("route:4:1: error: expected a line of /proc/net/route (Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT), but got 'eth0 00000000 zz' [DFW180]",
            Assert.Single(read.Diagnostics).Render());
    }
}
