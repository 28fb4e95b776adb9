namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// What a walk saw of some chains' rules: every rule that matched some packet at its position, and
/// the flows that entered each watched chain (with the hook's hidden interface, which decides how
/// the chain's rules compare interfaces there).
/// </summary>
internal sealed class RuleWatch(IReadOnlySet<(string Table, string Chain)> watched, long budget)
{
    private long _steps;

    private readonly HashSet<ResponsibleRule> _hits = [];
    private readonly Dictionary<(string, string), List<(Flow Flow, Dimension? Hidden)>> _entries = [];

    public void Enter(CompiledChain chain, Flow flow, Dimension? hidden)
    {
        var key = (chain.Table, chain.Name);
        if (!watched.Contains(key)) return;
        if (!_entries.TryGetValue(key, out var list)) _entries[key] = list = [];
        list.Add((flow, hidden));
    }

    public void Hit(CompiledRule rule) => _hits.Add(rule.Ref);

    /// <summary>Counts one split; past the budget the walk is abandoned (<see cref="OverBudget"/>).</summary>
    public void Step()
    {
        if (++_steps > budget) throw new OverBudget();
    }

    /// <summary>A walk that would cost more than its budget: whoever asked learns nothing from it.</summary>
    public sealed class OverBudget : Exception;

    public bool Matched(ResponsibleRule rule) => _hits.Contains(rule);

    public IReadOnlyList<(Flow Flow, Dimension? Hidden)> Entries(string table, string chain) =>
        _entries.TryGetValue((table, chain), out var list) ? list : [];
}
