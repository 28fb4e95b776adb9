using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.NftJson;

/// <summary>Diagnostics of the nft JSON reader: DFW120 errors (unusable input), DFW160-161 warnings.</summary>
internal static class NftMessages
{
    public static Diagnostic NotJson(SourceSpan at, string why) =>
        new(Severity.Error, "DFW120", $"expected the JSON of 'nft -j list ruleset', but it is not valid JSON ({why})", at);

    public static Diagnostic NoRuleset(SourceSpan at) =>
        new(Severity.Error, "DFW120", "expected an object with an \"nftables\" array, but got none", at);

    public static Diagnostic Malformed(SourceSpan at, string what, string got) =>
        new(Severity.Error, "DFW121", $"expected {what}, but got {got}", at);

    public static Diagnostic NotUnderstood(SourceSpan at, string what) =>
        new(Severity.Warning, "DFW160", $"{what} is kept verbatim but not understood", at);

    public static Diagnostic ManagedByIptablesNft(SourceSpan at, string family, string table) =>
        new(Severity.Warning, "DFW161", $"table {family} {table} is managed by iptables-nft: nft lists its xt statements without their options; use the iptables-save view", at);

}
