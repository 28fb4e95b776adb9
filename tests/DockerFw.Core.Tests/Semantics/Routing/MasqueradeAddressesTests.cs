using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Routing;

namespace DockerFw.Tests.Semantics.Routing;

/// <summary>Which of a device's addresses IPv4 MASQUERADE gives, read from `ip -j route show table all` as the kernel listed it.</summary>
public sealed class MasqueradeAddressesTests
{
    private static string Of(string listing, string device) =>
        MasqueradeAddresses.Of(RouteListReader.Read(listing, "routes.json").Value!, device, IpFamily.V4) is { } given
            ? string.Join(" ", given.Ranges.Select(r => IpAddressValue.Format(r.First, IpFamily.V4) + (r.First == r.Last ? "" : "-" + IpAddressValue.Format(r.Last, IpFamily.V4))))
            : "any of its addresses";

    // The random lab's uplink (seed 4848): .3 added after .2 in the same subnet is secondary, so it has no connected route of its own.
    private const string SecondaryInSameSubnet = """
        [{"dst":"default","gateway":"198.51.100.1","dev":"uplink0","flags":[]},
         {"dst":"198.51.100.0/24","dev":"uplink0","protocol":"kernel","scope":"link","prefsrc":"198.51.100.2","flags":[]},
         {"type":"local","dst":"198.51.100.2","dev":"uplink0","table":"local","protocol":"kernel","scope":"host","prefsrc":"198.51.100.2","flags":[]},
         {"type":"local","dst":"198.51.100.3","dev":"uplink0","table":"local","protocol":"kernel","scope":"host","prefsrc":"198.51.100.2","flags":[]},
         {"type":"broadcast","dst":"198.51.100.255","dev":"uplink0","table":"local","protocol":"kernel","scope":"link","prefsrc":"198.51.100.2","flags":[]}]
        """;

    [Fact]
    public void A_secondary_address_is_never_given()
    {
        Assert.Equal("198.51.100.2", Of(SecondaryInSameSubnet, "uplink0"));
    }

    // Two primaries in two subnets: the default route's gateway is in the first, a second router's subnet is reached by the other.
    private const string TwoSubnets = """
        [{"dst":"default","gateway":"192.0.2.1","dev":"eth0","flags":[]},
         {"dst":"10.20.0.0/16","gateway":"203.0.113.1","dev":"eth0","flags":[]},
         {"dst":"192.0.2.0/24","dev":"eth0","protocol":"kernel","scope":"link","prefsrc":"192.0.2.2","flags":[]},
         {"dst":"203.0.113.0/24","dev":"eth0","protocol":"kernel","scope":"link","prefsrc":"203.0.113.9","flags":[]},
         {"type":"local","dst":"192.0.2.2","dev":"eth0","table":"local","protocol":"kernel","scope":"host","prefsrc":"192.0.2.2","flags":[]},
         {"type":"local","dst":"203.0.113.9","dev":"eth0","table":"local","protocol":"kernel","scope":"host","prefsrc":"203.0.113.9","flags":[]}]
        """;

    [Fact]
    public void Each_next_hop_takes_the_primary_address_of_its_subnet()
    {
        Assert.Equal("192.0.2.2 203.0.113.9", Of(TwoSubnets, "eth0"));
        Assert.Equal("192.0.2.2", Of(TwoSubnets.Replace("""{"dst":"10.20.0.0/16","gateway":"203.0.113.1","dev":"eth0","flags":[]},""", "", StringComparison.Ordinal)
            .Replace("""{"dst":"203.0.113.0/24","dev":"eth0","protocol":"kernel","scope":"link","prefsrc":"203.0.113.9","flags":[]},""", """{"dst":"203.0.113.0/24","dev":"eth1","protocol":"kernel","scope":"link","prefsrc":"203.0.113.9","flags":[]},""", StringComparison.Ordinal)
            .Replace("""{"type":"local","dst":"203.0.113.9","dev":"eth0",""", """{"type":"local","dst":"203.0.113.9","dev":"eth1",""", StringComparison.Ordinal), "eth0"));
    }

    [Fact]
    public void A_gateway_in_no_subnet_of_the_device_takes_its_first_primary_which_the_routes_do_not_order()
    {
        var onlink = TwoSubnets.Replace("\"gateway\":\"192.0.2.1\"", "\"gateway\":\"198.51.100.1\"", StringComparison.Ordinal);
        Assert.Equal("192.0.2.2 203.0.113.9", Of(onlink.Replace("""{"dst":"10.20.0.0/16","gateway":"203.0.113.1","dev":"eth0","flags":[]},""", "", StringComparison.Ordinal), "eth0"));
    }

    [Fact]
    public void An_address_without_a_connected_route_leaves_the_choice_open()
    {
        // A /32 (or noprefixroute) address makes no connected route: where it stands in the device's list is unknown.
        var slash32 = SecondaryInSameSubnet.Replace("""{"type":"local","dst":"198.51.100.3","dev":"uplink0",""", """{"type":"local","dst":"192.0.2.50","dev":"uplink0",""", StringComparison.Ordinal);
        Assert.Equal("any of its addresses", Of(slash32, "uplink0"));
    }

    [Fact]
    public void Without_the_whole_table_nothing_is_narrowed()
    {
        var connected = RoutingTable.Connected([new InterfaceAddress("eth0", IpFamily.V4, IpAddressValue.Parse("192.0.2.2", IpFamily.V4), 24)], Core.Docker.DockerView.Empty);
        Assert.Null(MasqueradeAddresses.Of(connected, "eth0", IpFamily.V4));
    }
}
