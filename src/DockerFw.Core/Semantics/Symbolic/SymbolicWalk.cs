using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// Pushes flows through the hooks and tables of a path in kernel order (formats.md §4), splitting
/// them at every rule. Jumps, gotos, RETURN and policies follow the concrete engine: a RETURN after
/// <c>-g</c> resumes in the caller's caller, or the policy of a built-in chain. nat chains see only
/// the NEW part of a flow.
/// </summary>
/// <param name="settleOwned">
/// Walks owned flows without their ways and drops those that can no longer change a region
/// (<see cref="Ownership"/>); only when regions list rules and no watch needs every flow.
/// </param>
internal sealed partial class SymbolicWalk(SymbolicRuleset rules, RuleWatch? watch = null, bool settleOwned = true)
{
    // The kernel refuses rulesets nested deeper than this; a deeper walk means a loop.
    private const int MaxDepth = 100;

    private static readonly RuleShape NewOnly = new([(Dimension.State, RuleCompiler.States(ConntrackStates.New))], null);

    private readonly List<FinalFlow> _finals = [];
    private readonly Dictionary<SummaryKey, ChainSummary> _summaries = [];
    private readonly Ownership? _ownership = settleOwned && rules.Detail == ReachDetail.Rules && watch is null ? new() : null;
    private readonly ChainReads _reads = new(rules);
    private Box? _everything;

    // The working lists of chain walks that have ended, reused: a walk enters a chain once per flow it
    // gives it (about 200,000 times on a TUM dump), and each entry made a stack and three lists.
    private readonly Stack<Stack<(Flow Flow, Candidates Candidates)>> _sparePending = [];
    private readonly Stack<List<Flow>> _spareLists = [];
    private Dimension? _hidden;
    private PacketPath _path;
    private string _hook = "";

    // Every table after the current one accepts whatever it is given (AcceptOnly): ACCEPT is final now.
    private bool _acceptFinal;

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

    /// <param name="afterRouting">
    /// The flows are forwarded packets as routing leaves them (NAT already chosen): PREROUTING is not
    /// walked, the routing decision still is.
    /// </param>
    public void Run(PacketPath path, IEnumerable<Flow> flows, bool afterRouting = false)
    {
        var alive = flows.ToList();
        _path = path;
        if (afterRouting && path == PacketPath.Forward && rules.SwitchedOnly is { } routing) alive = Route(alive, routing);
        var stages = Stages(path).Where(s => !afterRouting || s.Hook != "PREROUTING")
            .SelectMany(s => OnHook(s.Hook, s.Tables).Select(t => (Hook: s.Hook, t.Table, t.Chain, t.Nat, t.Native))).ToList();
        // Only an ACCEPT the rest of the path cannot undo is final; routing drops on a host that forwards nothing.
        var acceptingFrom = stages.Count;
        while (acceptingFrom > 0 && rules.SwitchedOnly is null && AcceptOnly.Holds(rules, stages[acceptingFrom - 1].Table, stages[acceptingFrom - 1].Chain))
            acceptingFrom--;
        for (var i = 0; i < stages.Count; i++)
        {
            var (hook, table, chain, nat, native) = stages[i];
            _acceptFinal = i + 1 >= acceptingFrom;
            alive = RunTable(table, chain, nat, native, hook, alive);
            var lastOfHook = i + 1 == stages.Count || stages[i + 1].Hook != hook;
            if (lastOfHook && hook == "PREROUTING" && path == PacketPath.Forward && rules.SwitchedOnly is { } switched) alive = Route(alive, switched);
        }

        Finish(alive, ReachVerdict.Accept);
    }

    /// <summary>iptables' tables and the nft base chains on a hook, by priority (on a tie iptables first), as the concrete engine orders them.</summary>
    private IEnumerable<(string Table, string Chain, bool Nat, bool Native)> OnHook(string hook, string[] tables)
    {
        var iptables = tables.Select(t => (Table: t, Chain: hook, Nat: t == "nat", Native: false,
            Priority: Evaluation.HookStage.PriorityOf(t, Enum.Parse<Evaluation.Hook>(hook, ignoreCase: true))));
        if (rules.NativeBaseChains.IsEmpty) return iptables.Select(s => (s.Table, s.Chain, s.Nat, s.Native));
        var nft = rules.NativeBaseChains.Where(c => c.Base.Hook == hook.ToLowerInvariant())
            .Select(c => (c.Table, c.Chain, Nat: c.Base.Type == "nat", Native: true, c.Base.Priority));
        return iptables.Concat(nft).OrderBy(s => s.Priority).Select(s => (s.Table, s.Chain, s.Nat, s.Native));
    }

    private List<Flow> RunTable(string table, string chainName, bool nat, bool native, string hook, List<Flow> flows)
    {
        _hidden = hook switch
        {
            "PREROUTING" or "INPUT" => Dimension.Out,
            // ip_output hands POSTROUTING the device a forwarded packet came in by; nft's iifname
            // sees it (Docker 29 relies on it), iptables refuses -i in POSTROUTING.
            "POSTROUTING" when _path == PacketPath.Forward && native => null,
            "OUTPUT" or "POSTROUTING" => Dimension.In,
            _ => null,
        };
        _hook = hook;
        var chain = rules.Chain(table, chainName);
        if (chain is null || flows.Count == 0) return flows;
        // A summary holds for one hook: the hidden interface differs from one to the next.
        _summaries.Clear();
        var skipping = new List<Flow>();
        if (nat)
        {
            // nat decides once per connection, on its first packet; later ones reuse the binding. A
            // first packet an earlier nat chain of this hook bound meets no later one.
            var fresh = new List<Flow>();
            foreach (var flow in flows)
                if (flow.View.NatBoundAt == hook) skipping.Add(flow);
                else FlowSplitter.Partition(flow, NewOnly, fresh, skipping);
            flows = fresh;
        }

        var accepted = new List<Flow>();
        var returned = new List<Flow>();
        RunChain(chain, flows, accepted, returned, 0);
        if (chain.Policy == Verdict.Drop) Finish(returned, ReachVerdict.Drop);
        else accepted.AddRange(returned);
        accepted.AddRange(skipping);
        return BoxMerge.MergeOwned(Siblings.Merge(accepted));
    }

    private void RunChain(CompiledChain chain, List<Flow> flows, List<Flow> accepted, List<Flow> returned, int depth)
    {
        foreach (var flow in flows) RunChain(chain, flow, accepted, returned, depth);
    }

    /// <summary>
    /// Walks one flow through a chain. Every piece a split makes is a subset of the flow, so the rules
    /// that can match it are among the flow's candidates; pieces wait on a stack with their position.
    /// </summary>
    private void RunChain(CompiledChain chain, Flow start, List<Flow> accepted, List<Flow> returned, int depth)
    {
        watch?.Enter(chain, start, _hidden);
        var pending = _sparePending.TryPop(out var spare) ? spare : new Stack<(Flow Flow, Candidates Candidates)>();
        pending.Push((start, chain.Candidates(start.Box, _hidden)));
        var (matched, rest, continuing) = (Rent(), Rent(), Rent());
        while (pending.Count > 0)
        {
            var (popped, candidates) = pending.Pop();
            if (Settle(popped) is not { } flow) continue;
            var done = false;
            for (var index = candidates.Next(); index >= 0; index = candidates.Next())
            {
                var rule = chain.Rules[index];
                // A rule that only counts (no target, LOG) changes nothing: splitting by it would only
                // multiply regions of one fate (320 accounting rules before a DROP made 25,921).
                if (rule.Action.Kind == ActionKind.Continue && rule.Doubt is null) continue;
                matched.Clear();
                rest.Clear();
                watch?.Step();
                FlowSplitter.Split(flow, rule, matched, rest, rules.Detail == ReachDetail.Rules && watch is null, _hidden, rules.Space.Interfaces.NoInterface);
                if (matched.Count == 0) continue;
                watch?.Hit(rule);
                continuing.Clear();
                Apply(chain, rule.Action, matched, accepted, returned, continuing, depth);
                // A flow back from a jump is usually much smaller (isolation dropped most of it): its
                // own candidates are far fewer than the flow's it came from.
                foreach (var next in BoxMerge.MergeOwned(continuing)) pending.Push((next, chain.Candidates(next.Box, _hidden, after: index)));
                if (rest.Count == 0)
                {
                    done = true;
                    break;
                }

                if (Settle(rest[0]) is not { } next0)
                {
                    for (var i = 1; i < rest.Count; i++) pending.Push((rest[i], chain.Narrowed(candidates, rest[i].Box, _hidden, index)));
                    done = true;
                    break;
                }

                flow = next0;
                for (var i = 1; i < rest.Count; i++) pending.Push((rest[i], chain.Narrowed(candidates, rest[i].Box, _hidden, index)));
                candidates = chain.Narrowed(candidates, flow.Box, _hidden, index);
            }

            if (!done) returned.Add(flow);
        }

        _sparePending.Push(pending);
        GiveBack(matched);
        GiveBack(rest);
        GiveBack(continuing);
    }

    private List<Flow> Rent() => _spareLists.TryPop(out var list) ? list : [];

    private void GiveBack(List<Flow> list)
    {
        list.Clear();
        _spareLists.Push(list);
    }

    private void Finish(IEnumerable<Flow> flows, ReachVerdict verdict)
    {
        foreach (var flow in flows)
            if (_ownership?.Finished(flow, verdict) ?? true) _finals.Add(new FinalFlow(flow, verdict));
    }

    /// <summary>An owned flow's ACCEPT is final when no later table can undo it: it need not walk them.</summary>
    private void Accept(Flow flow, List<Flow> accepted)
    {
        if (flow.Owned && _acceptFinal) Finish([flow], ReachVerdict.Accept);
        else accepted.Add(flow);
    }

    private Flow? Settle(Flow flow) => _ownership is null ? flow : _ownership.Settle(flow);
}
