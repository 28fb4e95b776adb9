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

    /// <summary>
    /// The iptables back end of a table hooked in from the other back end (iptables-legacy beside
    /// iptables-nft, or the reverse): the kernel runs both, so its built-in chains are base chains at
    /// iptables' priorities beside this family's own. Null for every other table.
    /// </summary>
    public Backend? OtherBackend { get; init; }

    /// <summary>
    /// How the engines name the table in a rule reference: iptables' own by name (<c>filter</c>), an nft
    /// table by family and name (<c>inet filter</c>), the other back end's by its tool (<c>iptables-legacy filter</c>).
    /// </summary>
    public string QualifiedName => OtherBackend is { } backend
        ? $"{(Family == "ip6" ? "ip6tables" : "iptables")}-{(backend == Backend.Nft ? "nft" : "legacy")} {Name}"
        : IsNative ? $"{Family} {Name}" : Name;

    /// <summary>Whether a <see cref="QualifiedName"/> names a table of the other back end (<c>iptables-legacy filter</c>): its rules are in that back end's dump.</summary>
    public static bool NamesOtherBackend(string qualifiedName) =>
        qualifiedName.StartsWith("iptables-", StringComparison.Ordinal) || qualifiedName.StartsWith("ip6tables-", StringComparison.Ordinal);

    /// <summary>Whether a <see cref="QualifiedName"/> names a native nft table (<c>inet guard</c>): its rules are in the nft listing, in no iptables dump.</summary>
    public static bool NamesNative(string qualifiedName) =>
        !NamesOtherBackend(qualifiedName) && qualifiedName.Contains(' ', StringComparison.Ordinal);

    // A linear search: the model stays a plain value (a cached index would survive `with`), and
    // the semantics engine compiles its own indexed form.
    public Chain? this[string chain] => Chains.FirstOrDefault(c => c.Name == chain);

    public IEnumerable<Rule> Rules => Chains.SelectMany(c => c.Rules);
}
