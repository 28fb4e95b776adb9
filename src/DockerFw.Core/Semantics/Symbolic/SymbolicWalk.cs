using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// Pushes flows through the hooks and tables of a path in kernel order (formats.md §4), splitting
/// them at every rule. Jumps, gotos, RETURN and policies follow the concrete engine: a RETURN after
/// <c>-g</c> resumes in the caller's caller, or the policy of a built-in chain. nat chains see only
/// the NEW part of a flow.
/// </summary>
internal sealed class SymbolicWalk(SymbolicRuleset rules)
{
    // The kernel refuses rulesets nested deeper than this; a deeper walk means a loop.
    private const int MaxDepth = 100;

    private static readonly RuleShape NewOnly = new([(Dimension.State, RuleCompiler.States(ConntrackStates.New))], null);

    private readonly List<FinalFlow> _finals = [];

    public IReadOnlyList<FinalFlow> Finals => _finals;

    public static IReadOnlyList<(string Hook, string[] Tables)> Stages(PacketPath path) => path switch
    {
        PacketPath.Forward =>
        [
            ("PREROUTING", ["raw", "mangle", "nat"]), ("FORWARD", ["mangle", "filter", "security"]),
            ("POSTROUTING", ["mangle", "nat"]),
        ],
        PacketPath.Input => [("PREROUTING", ["raw", "mangle", "nat"]), ("INPUT", ["mangle", "filter", "security", "nat"])],
        _ => [("OUTPUT", ["raw", "mangle", "nat", "filter", "security"]), ("POSTROUTING", ["mangle", "nat"])],
    };

    public void Run(PacketPath path, IEnumerable<Flow> flows)
    {
        var alive = flows.ToList();
        foreach (var (hook, tables) in Stages(path))
            foreach (var table in tables)
                alive = RunTable(table, hook, alive);
        foreach (var flow in alive) _finals.Add(new FinalFlow(flow, ReachVerdict.Accept));
    }

    private List<Flow> RunTable(string table, string hook, List<Flow> flows)
    {
        var chain = rules.Chain(table, hook);
        if (chain is null || flows.Count == 0) return flows;
        var skipping = new List<Flow>();
        if (table == "nat")
        {
            // nat decides once per connection, on its first packet; later ones reuse the binding.
            var fresh = new List<Flow>();
            foreach (var flow in flows) FlowSplitter.Partition(flow, NewOnly, fresh, skipping);
            flows = fresh;
        }

        var accepted = new List<Flow>();
        var returned = new List<Flow>();
        RunChain(chain, flows, accepted, returned, 0);
        if (chain.Policy == Verdict.Drop) Finish(returned, ReachVerdict.Drop);
        else accepted.AddRange(returned);
        accepted.AddRange(skipping);
        return accepted;
    }

    private void RunChain(CompiledChain chain, List<Flow> flows, List<Flow> accepted, List<Flow> returned, int depth)
    {
        var active = flows;
        foreach (var rule in chain.Rules)
        {
            if (active.Count == 0) return;
            var matched = new List<Flow>();
            var rest = new List<Flow>(active.Count);
            foreach (var flow in active) FlowSplitter.Split(flow, rule, matched, rest);
            active = rest;
            if (matched.Count == 0) continue;
            var action = rule.Action;
            switch (action.Kind)
            {
                case ActionKind.Continue:
                    active.AddRange(matched);
                    break;
                case ActionKind.Accept:
                    accepted.AddRange(matched);
                    break;
                case ActionKind.Drop:
                    Finish(matched, ReachVerdict.Drop);
                    break;
                case ActionKind.Reject:
                    Finish(matched, ReachVerdict.Reject);
                    break;
                case ActionKind.Return:
                    returned.AddRange(matched);
                    break;
                case ActionKind.Jump or ActionKind.Goto:
                    var target = rules.Chain(chain.Table, action.Chain!);
                    if (target is null || target.Policy is not null || depth >= MaxDepth)
                    {
                        Finish(matched, ReachVerdict.Maybe);
                        break;
                    }

                    RunChain(target, matched, accepted, action.Kind == ActionKind.Jump ? active : returned, depth + 1);
                    break;
                case ActionKind.Mark:
                    active.AddRange(matched.Select(f => f with { View = f.View.WithMark(action.Value, action.Mask) }));
                    break;
                case ActionKind.MarkFromConnection:
                    active.AddRange(matched.Select(f => f with { View = f.View.WithUnknownMark(action.Mask) }));
                    break;
                case ActionKind.Untrack:
                    active.AddRange(matched.Select(f => f with { View = f.View.WithState(_ => (int)ConntrackStates.Untracked) }));
                    break;
                case ActionKind.Dnat:
                    accepted.AddRange(matched.Select(f => f with
                    {
                        View = f.View.WithState(s => s | (int)ConntrackStates.Dnat) with
                        {
                            Dst = action.NatDestination ?? f.View.Dst,
                            Dport = action.NatPort ?? f.View.Dport,
                        },
                    }));
                    break;
                case ActionKind.Snat:
                    accepted.AddRange(matched.Select(f => f with { View = f.View.WithState(s => s | (int)ConntrackStates.Snat) }));
                    break;
                default:
                    Finish(matched, ReachVerdict.Maybe);
                    break;
            }
        }

        returned.AddRange(active);
    }

    private void Finish(IEnumerable<Flow> flows, ReachVerdict verdict)
    {
        foreach (var flow in flows) _finals.Add(new FinalFlow(flow, verdict));
    }
}
