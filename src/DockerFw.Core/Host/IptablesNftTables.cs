using DockerFw.Core.Model;
using DockerFw.Core.Syntax.NftJson;
using DockerFw.Core.Text;

namespace DockerFw.Core.Host;

/// <summary>
/// The tables nft lists for iptables-nft (Debian's default back end). nft shows their xt matches
/// without options, so the reader warns (DFW161) and leaves them to iptables-save; when the
/// iptables-save view of both families was read anyway (live mode), the warnings ask for what was
/// done, and become one notice naming the tables.
/// </summary>
public static class IptablesNftTables
{
    private static readonly string Code = NftMessages.ManagedByIptablesNft(SourceSpan.None, "", "").Code;

    /// <summary>The listing without its DFW161 warnings, and the notice that replaces them (null when there were none).</summary>
    public static (ParseResult<Ruleset> Listing, string? Notice) AsNotice(ParseResult<Ruleset> listing)
    {
        var managed = listing.Value?.Tables.Where(t => t.ManagedByIptablesNft).Select(t => $"table {t.Family} {t.Name}").ToList() ?? [];
        if (managed.Count == 0) return (listing, null);
        return (listing with { Diagnostics = [.. listing.Diagnostics.Where(d => d.Code != Code)] },
            $"iptables-nft manages {string.Join(", ", managed)}, which nft lists without the options of their xt matches: read with iptables-save and ip6tables-save instead");
    }
}
