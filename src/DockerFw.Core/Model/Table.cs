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

    // A linear search: the model stays a plain value (a cached index would survive `with`), and
    // the semantics engine compiles its own indexed form.
    public Chain? this[string chain] => Chains.FirstOrDefault(c => c.Name == chain);

    public IEnumerable<Rule> Rules => Chains.SelectMany(c => c.Rules);
}
