using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Routing;

namespace DockerFw.Tests.Semantics.Routing;

public sealed class RoutingTableTests
{
    // What `ip -j route show table all` printed on a Docker host (trimmed).
    private const string Listing = """
        [{"dst":"default","gateway":"192.0.2.1","dev":"eth0","flags":[]},
         {"dst":"192.0.2.0/24","dev":"eth0","protocol":"kernel","scope":"link","prefsrc":"192.0.2.2","flags":[]},
         {"dst":"172.17.0.0/16","dev":"docker0","protocol":"kernel","scope":"link","prefsrc":"172.17.0.1","flags":[]},
         {"type":"unreachable","dst":"10.99.0.0/16","flags":[]},
         {"type":"local","dst":"127.0.0.0/8","dev":"lo","table":"local","protocol":"kernel","scope":"host","prefsrc":"127.0.0.1","flags":[]},
         {"type":"local","dst":"192.0.2.2","dev":"eth0","table":"local","protocol":"kernel","scope":"host","prefsrc":"192.0.2.2","flags":[]},
         {"type":"broadcast","dst":"192.0.2.255","dev":"eth0","table":"local","protocol":"kernel","scope":"link","prefsrc":"192.0.2.2","flags":[]},
         {"type":"local","dst":"172.17.0.1","dev":"docker0","table":"local","protocol":"kernel","scope":"host","prefsrc":"172.17.0.1","flags":[]}]
        """;

    private static readonly RoutingTable Table = RouteListReader.Read(Listing, "routes.json").Value!;

    [Theory]
    [InlineData("192.0.2.2", "local 192.0.2.2/32 dev eth0 table local")]
    [InlineData("192.0.2.255", "broadcast 192.0.2.255/32 dev eth0 table local")]
    [InlineData("192.0.2.77", "192.0.2.0/24 dev eth0 table main")]
    [InlineData("172.17.0.2", "172.17.0.0/16 dev docker0 table main")]
    [InlineData("172.17.0.1", "local 172.17.0.1/32 dev docker0 table local")]
    [InlineData("127.0.0.53", "local 127.0.0.0/8 dev lo table local")]
    [InlineData("10.99.3.4", "unroutable 10.99.0.0/16 table main")]
    [InlineData("198.51.100.7", "default via 192.0.2.1 dev eth0 table main")]
    public void The_local_table_comes_first_then_the_longest_prefix_of_main(string destination, string route)
    {
        Assert.Equal(route, Table.Lookup(IpFamily.V4, IpAddressValue.Parse(destination, IpFamily.V4))?.ToString());
    }

    [Fact]
    public void The_local_routes_are_the_host_s_addresses_with_the_prefix_of_their_connected_route()
    {
        Assert.Equal(
            ["docker0 172.17.0.1/16", "eth0 192.0.2.2/24"],
            Table.LocalAddresses()!.Value.Select(a => $"{a.Interface} {IpAddressValue.Format(a.Address, a.Family)}/{a.PrefixLength}").Order());
    }

    [Fact]
    public void An_ipv6_listing_s_default_route_is_ipv6()
    {
        var table = RouteListReader.Read("""[{"dst":"fd00::/64","dev":"eth0","metric":256},{"dst":"default","gateway":"fd00::1","dev":"eth0","metric":1024}]""", "r6").Value!;

        Assert.Equal("default via fd00::1 dev eth0 table main", table.Lookup(IpFamily.V6, IpAddressValue.Parse("2001:db8::1", IpFamily.V6))?.ToString());
        Assert.Null(table.Lookup(IpFamily.V4, IpAddressValue.Parse("198.51.100.7", IpFamily.V4)));
    }

    [Fact]
    public void Json_that_is_not_a_route_listing_is_an_error_at_the_file()
    {
        var read = RouteListReader.Read("{\"routes\": []}", "r.json");

        Assert.Equal("r.json:1:1: error: expected the JSON array of 'ip -j route show table all', but got a object [DFW180]", Assert.Single(read.Diagnostics).Render());
    }
}
