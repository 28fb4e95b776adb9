using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Remediation;
using DockerFw.Core.Syntax.NftJson;

namespace DockerFw.Tests.Remediation;

/// <summary>dockerfw's own nft table: its JSON read as the proof reads it, and its nft text made from that JSON.</summary>
public sealed class NftPolicyTableTests
{
    // What `nft -j list table ip dockerfw` printed (nft 1.0.6) for
    // `ip daddr 192.0.2.2 tcp dport 80 ct state new ct original ip daddr 10.0.0.1 ct original proto-dst 8080 return`.
    private const string Listed = """
        {"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}},
         {"table": {"family": "ip", "name": "dockerfw", "handle": 1}},
         {"chain": {"family": "ip", "table": "dockerfw", "name": "forward", "handle": 1, "type": "filter", "hook": "forward", "prio": -1, "policy": "accept"}},
         {"rule": {"family": "ip", "table": "dockerfw", "chain": "forward", "handle": 4, "expr": [
           {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": "192.0.2.2"}},
           {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 80}},
           {"match": {"op": "in", "left": {"ct": {"key": "state"}}, "right": "new"}},
           {"match": {"op": "==", "left": {"ct": {"key": "ip daddr", "dir": "original"}}, "right": "10.0.0.1"}},
           {"match": {"op": "==", "left": {"ct": {"key": "proto-dst", "dir": "original"}}, "right": 8080}},
           {"return": null}]}}]}
        """;

    [Fact]
    public void Conntracks_original_destination_and_port_read_as_the_conntrack_options_iptables_writes_for_them()
    {
        var rule = NftJsonReader.Read(Listed, "t.json").Value!.Tables.Single()["forward"]!.Rules.Single();

        var options = rule.Matches.OfType<ModuleOptionMatch>().Select(m => $"{m.Module} {m.Name} {string.Join(',', m.Arguments)}").ToList();

        Assert.Equal(["conntrack --ctorigdst 10.0.0.1/32", "conntrack --ctorigdstport 8080"], options);
    }

    [Fact]
    public void The_text_of_a_listed_table_is_what_nft_f_loads_and_the_kernel_lists()
    {
        var table = NftJsonReader.Read(Listed, "t.json").Value!.Tables.Single();

        Assert.Equal(
            "table ip dockerfw {\n\tchain forward {\n\t\ttype filter hook forward priority -1; policy accept;\n"
            + "\t\tip daddr 192.0.2.2 tcp dport 80 ct state new ct original ip daddr 10.0.0.1 ct original proto-dst 8080 return\n\t}\n}\n",
            NftPolicyTable.Text(table));
        Assert.StartsWith("table ip dockerfw\ndelete table ip dockerfw\ntable ip dockerfw {\n", NftPolicyTable.Script(table), StringComparison.Ordinal);
    }

    [Fact]
    public void A_table_made_by_dockerfw_equals_the_kernels_listing_of_it_rule_for_rule_and_a_changed_rule_does_not()
    {
        var listed = NftJsonReader.Read(Listed, "t.json").Value!.Tables.Single();
        var address = IpAddressValue.Parse("192.0.2.2", IpFamily.V4);
        var made = NftPolicyTable.Read(NftPolicyTable.Listing(IpFamily.V4,
        [
            new System.Text.Json.Nodes.JsonArray(NftExpr.Host(IpFamily.V4, false, address),
                NftExpr.Port(new Core.Policy.PortSpec(Protocol.FromNumber(Protocol.Tcp), PortRange.Single(80))), NftExpr.State("new"),
                NftExpr.OriginalDestination(IpFamily.V4, AddressMask.FromPrefix(IpFamily.V4, IpAddressValue.Parse("10.0.0.1", IpFamily.V4), 32)),
                NftExpr.OriginalPort(8080), NftExpr.Verdict("return")),
        ]));
        var other = NftPolicyTable.Read(Listed.Replace("8080", "8081", StringComparison.Ordinal));

        Assert.Null(NftPolicyTable.Differs(made, listed));
        Assert.Equal("chain forward of table ip dockerfw has other rules", NftPolicyTable.Differs(made, other));
        Assert.Equal("table ip dockerfw is missing", NftPolicyTable.Differs(made, null));
    }
}
