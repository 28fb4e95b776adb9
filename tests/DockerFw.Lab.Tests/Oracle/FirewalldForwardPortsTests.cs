using System.Net;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// firewalld's forward port as <c>nft -j list ruleset</c> (nftables 1.0.6) lists the rule
/// <c>firewall-cmd --add-forward-port=port=45000:proto=tcp:toport=80:toaddr=172.18.0.2</c> writes:
/// the host port and where its DNAT sends it, and nothing from another table's DNAT.
/// </summary>
public sealed class FirewalldForwardPortsTests
{
    private static string Rule(string table) => $$$"""
        {"rule":{"family":"inet","table":"{{{table}}}","chain":"nat_PRE_public_allow","handle":3,"expr":[
          {"match":{"op":"==","left":{"meta":{"key":"nfproto"}},"right":"ipv4"}},
          {"match":{"op":"==","left":{"payload":{"protocol":"tcp","field":"dport"}},"right":45000}},
          {"dnat":{"family":"ip","addr":"172.18.0.2","port":80}}]}}
        """;

    private static string Ruleset(string table) =>
        $$$"""{"nftables":[{"metainfo":{"version":"1.0.6","json_schema_version":1}},{"table":{"family":"inet","name":"{{{table}}}","handle":1}},{{{Rule(table)}}}]}""";

    [Fact]
    public void A_forward_port_is_its_host_port_and_its_dnat()
    {
        var (port, to, toPort) = Assert.Single(FirewalldForwardPorts.From(Ruleset("firewalld")));

        Assert.Equal((45000, IPAddress.Parse("172.18.0.2"), 80), (port, to, toPort));
    }

    [Fact]
    public void Another_tables_dnat_is_not_firewalds()
    {
        Assert.Empty(FirewalldForwardPorts.From(Ruleset("docker")));
        Assert.Empty(FirewalldForwardPorts.From(""));
    }
}
