using DockerFw.Core.Model;

namespace DockerFw.Core.Syntax.NftJson;

/// <summary>
/// The whole firewall of a host as the kernel runs it: the iptables tables as iptables-save prints
/// them, and the native nft tables. nft lists iptables-nft's tables too, but without the options of
/// their xt statements, so those come from the iptables-save view and are left out here.
/// </summary>
public static class HostRuleset
{
    public static Ruleset Merge(Ruleset iptables, Ruleset nft) =>
        iptables with { Tables = [.. iptables.Tables, .. nft.Tables.Where(t => t.IsNative && !t.ManagedByIptablesNft && !IsIptablesView(t, iptables))] };

    // An iptables-nft table holding only native expressions (no xt) is still iptables' table.
    private static bool IsIptablesView(Table nft, Ruleset iptables) =>
        nft.Family == (iptables.Family == Model.Values.IpFamily.V4 ? "ip" : "ip6") &&
        iptables.Tables.Any(t => t.Name == nft.Name) &&
        nft.Chains.Where(c => c.Base is not null).All(c => Table.BuiltInChainsOf(nft.Name).Contains(c.Name));
}
