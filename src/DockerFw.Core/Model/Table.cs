using System.Collections.Immutable;
using DockerFw.Core.Text;

namespace DockerFw.Core.Model;

/// <summary>One table block, <c>*name</c> to <c>COMMIT</c>, with its chains in the order read.</summary>
public sealed record Table(string Name, ImmutableArray<Chain> Chains, SourceSpan Span)
{
    public static readonly ImmutableArray<string> KnownNames = ["raw", "mangle", "nat", "filter", "security"];

    /// <summary>The built-in chains each table has, in hook order.</summary>
    public static ImmutableArray<string> BuiltInChainsOf(string table) => table switch
    {
        "raw" => ["PREROUTING", "OUTPUT"],
        "mangle" => ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
        "nat" => ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
        "filter" => ["INPUT", "FORWARD", "OUTPUT"],
        "security" => ["INPUT", "FORWARD", "OUTPUT"],
        _ => [],
    };

    /// <summary>
    /// The nftables family (ip, ip6, inet, arp, bridge, netdev) of a table read from nft; null for a
    /// table read from iptables-save, whose family is the ruleset's.
    /// </summary>
    public string? Family { get; init; }

    /// <summary>True for a table read from nft rather than from iptables-save.</summary>
    public bool IsNative { get; init; }

    /// <summary>
    /// An nft table holding iptables-nft compat (xt) statements: nft lists it without the options of
    /// those statements, so its iptables-save view is the one to evaluate.
    /// </summary>
    public bool ManagedByIptablesNft { get; init; }

    // A linear search: the model stays a plain value (a cached index would survive `with`), and
    // the semantics engine compiles its own indexed form.
    public Chain? this[string chain] => Chains.FirstOrDefault(c => c.Name == chain);

    public IEnumerable<Rule> Rules => Chains.SelectMany(c => c.Rules);
}
