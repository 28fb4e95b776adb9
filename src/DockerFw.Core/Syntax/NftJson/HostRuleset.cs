using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Syntax.NftJson;

/// <summary>
/// The whole firewall of a host as the kernel runs it for one family: the iptables tables as
/// iptables-save prints them, and the native nft tables that family's packets meet. nft lists
/// iptables-nft's tables too, but without the options of their xt statements, so those come from
/// the iptables-save view and are left out here when it was read.
/// </summary>
public static class HostRuleset
{
    public static Ruleset Merge(Ruleset iptables, Ruleset nft) =>
        iptables with { Tables = [.. iptables.Tables, .. nft.Tables.Where(t => t.IsNative && Sees(iptables.Family, t.Family)).Select(t => NativePart(t, iptables)).OfType<Table>()] };

    /// <summary>
    /// Whether packets of <paramref name="family"/> pass the tables of an nft family: <c>inet</c> for
    /// both, <c>ip</c> and <c>ip6</c> for their own. <c>bridge</c>, <c>arp</c> and <c>netdev</c> tables
    /// hook elsewhere (bridge ports, ARP, ingress) and are not evaluated.
    /// </summary>
    public static bool Sees(IpFamily family, string? nftFamily) => nftFamily switch
    {
        "inet" => true,
        "ip" => family == IpFamily.V4,
        "ip6" => family == IpFamily.V6,
        _ => false,
    };

    /// <summary>
    /// What of an nft table the iptables view does not already hold. A table of the ruleset's own
    /// family named like one iptables-save printed is that very kernel table (<c>ip filter</c> is
    /// iptables' filter): only the chains iptables-save does not list (a base chain <c>nft add chain</c>
    /// put there) are its native part; a leftover with iptables' built-in chains only has none. A table
    /// iptables-nft wrote (xt statements) that no iptables-save view holds is kept whole: it is the only
    /// view of that kernel table, and the engines read each xt statement, whose options nft does not
    /// list, as unknown (may match, verdict undecided) rather than leave the table's rules out.
    /// </summary>
    private static Table? NativePart(Table nft, Ruleset iptables)
    {
        var own = nft.Family == (iptables.Family == IpFamily.V4 ? "ip" : "ip6");
        if (!own || iptables[nft.Name] is not { } view) return nft.ManagedByIptablesNft && !own ? null : nft;
        var listed = view.Chains.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var rest = nft.Chains.Where(c => !listed.Contains(c.Name) && !(c.Base is not null && Table.BuiltInChainsOf(nft.Name).Contains(c.Name))).ToList();
        return rest.Any(c => c.Base is not null) ? nft with { Chains = [.. rest] } : null;
    }
}
