namespace DockerFw.Lab.Tests.Lab;

/// <summary>Which tentative addresses are worth waiting for, read from <c>ip -6 -j addr show tentative</c>.</summary>
public sealed class AddressSettlingTests
{
    private const string Listing = """
        [{"ifindex":4,"ifname":"br-1780ae75775f","flags":["NO-CARRIER","BROADCAST","MULTICAST","UP"],"mtu":1500,"operstate":"DOWN","addr_info":[{"family":"inet6","local":"fd00:d0c:11::1","prefixlen":64,"tentative":true}]},
         {"ifindex":9,"ifname":"eth0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"operstate":"UP","addr_info":[{"family":"inet6","local":"fd00:d0c:12::2","prefixlen":64,"tentative":true}]},
         {"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"operstate":"UNKNOWN","addr_info":[]}]
        """;

    [Fact]
    public void An_address_on_an_interface_that_is_up_is_waited_for_and_one_on_a_bridge_without_carrier_is_not()
    {
        Assert.Equal(["eth0"], AddressSettling.Pending(Listing));
    }

    [Fact]
    public void Nothing_tentative_is_settled()
    {
        Assert.Empty(AddressSettling.Pending(""));
        Assert.Empty(AddressSettling.Pending("[]"));
    }
}
