using DockerFw.Core.Model.Targets;

namespace DockerFw.Core.Semantics.Evaluation;

internal sealed class CompiledChain(string name, Verdict? policy, CompiledRule[] rules)
{
    /// <summary>One per rule, in order: see <see cref="Prefilter"/>.</summary>
    public Prefilter[] Prefilters { get; } = [.. rules.Select(r => Prefilter.Of(r.Rule))];

    public string Name { get; } = name;

    /// <summary>ACCEPT or DROP for a built-in chain; null for a user chain.</summary>
    public Verdict? Policy { get; } = policy;

    public CompiledRule[] Rules { get; } = rules;
}

internal sealed class CompiledTable(string name, CompiledChain[] chains, Dictionary<string, int> index, bool? isNat = null)
{
    public string Name { get; } = name;

    /// <summary>NAT targets rewrite here: iptables' nat table, or an nft table seen through its nat base chains.</summary>
    public bool IsNat { get; } = isNat ?? name == "nat";

    /// <summary>The same chains with NAT on or off: an nft table's base chains have each their own type.</summary>
    public CompiledTable AsNat(bool nat) => nat == IsNat ? this : new CompiledTable(Name, Chains, index, nat);

    public CompiledChain[] Chains { get; } = chains;

    public CompiledChain? this[string chain] => index.TryGetValue(chain, out var i) ? Chains[i] : null;
}
