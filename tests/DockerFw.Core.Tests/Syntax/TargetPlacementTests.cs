using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Core.Tests.Syntax;

/// <summary>
/// Targets the kernel takes only in some tables, or only from some hooks, as iptables-legacy-restore
/// and iptables-nft-restore loaded them into a namespace (docs/acceptance.md; the kernel tests load
/// the same dumps). A hook is checked through the jumps: a user chain counts for each built-in chain
/// that reaches it, and one that no built-in chain reaches is checked for its table only.
/// </summary>
public class TargetPlacementTests
{
    private static string Dump(string table, params string[] lines) => $"*{table}\n{string.Join("\n", lines)}\nCOMMIT\n";

    private static IReadOnlyList<string> Errors(string text) =>
        [.. IptablesSaveReader.Read(text, "t").Errors.Select(e => e.Render())];

    [Theory]
    [InlineData("mangle")]
    [InlineData("raw")]
    [InlineData("nat")]
    [InlineData("security")]
    public void Reject_is_refused_outside_the_filter_table_even_in_an_unreferenced_chain(string table) =>
        Assert.Equal([$"t:3:12: error: expected REJECT only in table 'filter' (the kernel refuses it elsewhere: EINVAL), but got it in table '{table}' [DFW112]"],
            Errors(Dump(table, ":USER - [0:0]", "-A USER -j REJECT")));

    [Theory]
    [InlineData("filter", "-A USER -j CT --notrack")]
    [InlineData("mangle", "-A USER -j NOTRACK")]
    [InlineData("filter", "-A USER -j TTL --ttl-set 1")]
    [InlineData("raw", "-A USER -j CHECKSUM --checksum-fill")]
    [InlineData("filter", "-A USER -j TPROXY --on-port 1")]
    [InlineData("mangle", "-A USER -j NETMAP --to 10.0.0.0/24")]
    [InlineData("filter", "-A USER -j CONNSECMARK --save")]
    [InlineData("mangle", "-A USER -j DNAT --to-destination 10.0.0.1")]
    public void Targets_of_one_table_are_refused_in_another(string table, string rule) =>
        Assert.Equal(["DFW112"], IptablesSaveReader.Read(Dump(table, ":USER - [0:0]", rule), "t").Errors.Select(e => e.Code));

    [Theory]
    [InlineData("-A PREROUTING -j DROP")]
    [InlineData("-A USER -j DROP")]
    public void Drop_is_refused_in_the_nat_table(string rule) =>
        Assert.Equal(["DFW112"], IptablesSaveReader.Read(Dump("nat", ":PREROUTING ACCEPT [0:0]", ":USER - [0:0]", rule), "t").Errors.Select(e => e.Code));

    [Theory]
    [InlineData("POSTROUTING", "-j DNAT --to-destination 10.0.0.1", "DNAT", "PREROUTING or OUTPUT")]
    [InlineData("INPUT", "-j DNAT --to-destination 10.0.0.1", "DNAT", "PREROUTING or OUTPUT")]
    [InlineData("PREROUTING", "-j SNAT --to-source 10.0.0.1", "SNAT", "POSTROUTING or INPUT")]
    [InlineData("OUTPUT", "-j SNAT --to-source 10.0.0.1", "SNAT", "POSTROUTING or INPUT")]
    [InlineData("OUTPUT", "-j MASQUERADE", "MASQUERADE", "POSTROUTING")]
    [InlineData("INPUT", "-j MASQUERADE", "MASQUERADE", "POSTROUTING")]
    [InlineData("POSTROUTING", "-j REDIRECT", "REDIRECT", "PREROUTING or OUTPUT")]
    public void Nat_targets_are_refused_in_the_built_in_chains_of_other_hooks(string chain, string target, string name, string hooks) =>
        Assert.Equal([$"t:3:{chain.Length + 8}: error: expected {name} only in chains reached from {hooks} (the kernel refuses it elsewhere on commit: EINVAL), but chain '{chain}' is reached from {chain} [DFW113]"],
            Errors(Dump("nat", $":{chain} ACCEPT [0:0]", $"-A {chain} {target}")));

    [Fact]
    public void A_user_chain_is_checked_for_every_hook_that_reaches_it_through_jumps_and_gotos()
    {
        var text = Dump("nat", ":PREROUTING ACCEPT [0:0]", ":POSTROUTING ACCEPT [0:0]", ":A - [0:0]", ":B - [0:0]",
            "-A PREROUTING -j A", "-A POSTROUTING -j A", "-A A -g B", "-A B -j DNAT --to-destination 10.0.0.1");

        Assert.Equal(["t:9:9: error: expected DNAT only in chains reached from PREROUTING or OUTPUT (the kernel refuses it elsewhere on commit: EINVAL), but chain 'B' is reached from POSTROUTING [DFW113]"],
            Errors(text));
    }

    [Theory]
    [InlineData(":USER - [0:0]", "-A USER -j DNAT --to-destination 10.0.0.1")]
    [InlineData(":USER - [0:0]", "-A USER -j MASQUERADE")]
    [InlineData(":PREROUTING ACCEPT [0:0]\n:A - [0:0]\n:B - [0:0]\n-A PREROUTING -j A\n-A A -g B", "-A B -j DNAT --to-destination 10.0.0.1")]
    [InlineData(":POSTROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:A - [0:0]\n-A POSTROUTING -j A\n-A INPUT -j A", "-A A -j SNAT --to-source 10.0.0.1")]
    public void Nat_targets_load_where_only_their_hooks_reach_them(string chains, string rule) =>
        Assert.Empty(Errors(Dump("nat", chains, rule)));

    [Theory]
    [InlineData("mangle", "OUTPUT", "-p tcp -j TPROXY --on-port 1")]
    [InlineData("filter", "OUTPUT", "-p tcp -j SYNPROXY")]
    [InlineData("mangle", "INPUT", "-j CLASSIFY --set-class 1:1")]
    public void Other_targets_are_held_to_their_hooks(string table, string chain, string rule) =>
        Assert.Equal(["DFW113"], IptablesSaveReader.Read(Dump(table, $":{chain} ACCEPT [0:0]", $"-A {chain} {rule}"), "t").Errors.Select(e => e.Code));
}
