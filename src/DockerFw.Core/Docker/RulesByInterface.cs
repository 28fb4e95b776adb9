using DockerFw.Core.Model;

namespace DockerFw.Core.Docker;

/// <summary>
/// The filter and nat rules that name each interface as <c>-i</c> or <c>-o</c> (negated or not), in
/// rule order, built in one pass: inferring a host with a thousand bridges then looks at each bridge's
/// few rules instead of scanning every rule once per bridge.
/// </summary>
internal sealed class RulesByInterface
{
    private readonly Dictionary<string, List<Rule>> _filter = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Rule>> _nat = new(StringComparer.Ordinal);

    public static RulesByInterface Of(Table? filter, Table? nat)
    {
        var index = new RulesByInterface();
        Add(index._filter, filter);
        Add(index._nat, nat);
        return index;
    }

    public IReadOnlyList<Rule> Filter(string name) => _filter.TryGetValue(name, out var rules) ? rules : [];

    public IReadOnlyList<Rule> Nat(string name) => _nat.TryGetValue(name, out var rules) ? rules : [];

    private static void Add(Dictionary<string, List<Rule>> index, Table? table)
    {
        foreach (var rule in table?.Rules ?? [])
        {
            var @in = rule.In()?.Value.Text;
            var @out = rule.Out()?.Value.Text;
            if (@in is not null) For(index, @in).Add(rule);
            if (@out is not null && @out != @in) For(index, @out).Add(rule);
        }
    }

    private static List<Rule> For(Dictionary<string, List<Rule>> index, string name)
    {
        if (!index.TryGetValue(name, out var rules)) index[name] = rules = [];
        return rules;
    }
}
