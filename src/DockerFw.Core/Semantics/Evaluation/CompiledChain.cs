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

internal sealed class CompiledTable(string name, CompiledChain[] chains, Dictionary<string, int> index)
{
    public string Name { get; } = name;

    public CompiledChain[] Chains { get; } = chains;

    public CompiledChain? this[string chain] => index.TryGetValue(chain, out var i) ? Chains[i] : null;
}
