using System.Net;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// An admin's port forward as <c>iptables-save</c> (iptables-nft 1.8.9) and <c>nft -j list ruleset</c>
/// (nftables 1.0.6) list it: the host port and where its DNAT sends it; Docker's DOCKER chain, a forward
/// of one address and the tables iptables-nft and firewalld own are not an admin's own forwards.
/// </summary>
public sealed class AdminForwardPortsTests
{
    private const string Save = """
        *nat
        :PREROUTING ACCEPT [0:0]
        :DOCKER - [0:0]
        -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
        -A PREROUTING -p tcp -m tcp --dport 40727 -j DNAT --to-destination 172.30.10.2:5017
        -A PREROUTING -d 198.51.100.3/32 -p tcp -m tcp --dport 40728 -j DNAT --to-destination 172.30.10.2:5018
        -A DOCKER ! -i docker0 -p tcp -m tcp --dport 24942 -j DNAT --to-destination 172.17.0.2:2120
        COMMIT
        *filter
        -A PREROUTING -p tcp -m tcp --dport 40729 -j DNAT --to-destination 172.30.10.2:5019
        COMMIT
        """;

    private static string Nft(string family, string table) => $$$"""
        {"nftables":[{"metainfo":{"version":"1.0.6","json_schema_version":1}},
        {"rule":{"family":"{{{family}}}","table":"{{{table}}}","chain":"admin_prerouting","handle":2,"expr":[
          {"match":{"op":"==","left":{"payload":{"protocol":"tcp","field":"dport"}},"right":40694}},
          {"dnat":{"addr":"172.30.11.3","port":4500}}]}}]}
        """;

    [Fact]
    public void A_forward_in_nat_prerouting_is_its_host_port_and_its_dnat()
    {
        var (port, to, toPort) = Assert.Single(AdminForwardPorts.From(Save, ""));

        Assert.Equal((40727, IPAddress.Parse("172.30.10.2"), 5017), (port, to, toPort));
    }

    [Fact]
    public void A_native_nat_tables_dnat_is_an_admins_forward_and_iptables_nfts_own_table_is_not()
    {
        Assert.Equal([(40694, IPAddress.Parse("172.30.11.3"), 4500)], AdminForwardPorts.From("", Nft("ip", "adminnat")));
        Assert.Empty(AdminForwardPorts.From("", Nft("ip", "nat")));
        Assert.Empty(AdminForwardPorts.From("", Nft("inet", "firewalld")));
    }
}
