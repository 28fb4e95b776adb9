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
internal sealed class SymbolicWalk(SymbolicRuleset rules, RuleWatch? watch = null, bool settleOwned = true)
{
    // The kernel refuses rulesets nested deeper than this; a deeper walk means a loop.
    private const int MaxDepth = 100;

    private static readonly RuleShape NewOnly = new([(Dimension.State, RuleCompiler.States(ConntrackStates.New))], null);

    private readonly List<FinalFlow> _finals = [];
    private readonly Dictionary<SummaryKey, ChainSummary> _summaries = [];
    private readonly Ownership? _ownership = settleOwned && rules.Detail == ReachDetail.Rules && watch is null ? new() : null;
    private readonly ChainReads _reads = new(rules);
    private Dimension? _hidden;
    private PacketPath _path;

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
        var chain = rules.Chain(table, chainName);
        if (chain is null || flows.Count == 0) return flows;
        // A summary holds for one hook: the hidden interface differs from one to the next.
        _summaries.Clear();
        var skipping = new List<Flow>();
        if (nat)
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
        var pending = new Stack<(Flow Flow, Candidates Candidates)>();
        pending.Push((start, chain.Candidates(start.Box, _hidden)));
        var matched = new List<Flow>();
        var rest = new List<Flow>();
        var continuing = new List<Flow>();
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
    }

    /// <summary>Walks a flow through a jump's or goto's target by the chain's summary for those packets.</summary>
    private void Call(CompiledChain target, Flow flow, List<Flow> accepted, List<Flow> returned, int depth)
    {
        if (flow.Owned && _ownership is not null && _reads.Of(target) is { } reads and not ChainReads.Everything)
        {
            CallWidened(target, flow, reads, accepted, returned, depth);
            return;
        }

        var key = new SummaryKey(target, flow.Box, flow.View, depth, flow.Owned);
        if (!_summaries.TryGetValue(key, out var summary))
        {
            var (inAccepted, inReturned, first) = (new List<Flow>(), new List<Flow>(), _finals.Count);
            RunChain(target, flow with { Trail = null, Doubts = null }, inAccepted, inReturned, depth);
            // Owned flows the chain hands back at one place hold packets of one fate: fewer boxes go on.
            summary = new ChainSummary(BoxMerge.MergeOwned(inAccepted), BoxMerge.MergeOwned(inReturned), _finals.GetRange(first, _finals.Count - first));
            _finals.RemoveRange(first, _finals.Count - first);
            _summaries[key] = summary;
        }

        foreach (var f in summary.Accepted) accepted.Add(ChainSummary.Graft(flow, f));
        foreach (var f in summary.Returned) returned.Add(ChainSummary.Graft(flow, f));
        foreach (var f in summary.Finals)
        {
            var final = f with { Flow = ChainSummary.Graft(flow, f.Flow) };
            // The summary walked the flow without the caller's doubts: its final flows own their box only now.
            _ownership?.Grafted(final);
            _finals.Add(final);
        }
    }

    /// <summary>
    /// An owned flow through a chain that reads only some dimensions (<see cref="ChainReads"/>): the
    /// summary is of the box widened to the whole of every other dimension, shared by every box that
    /// differs only there, and each flow it gives back gets the caller's sets on them again. A widened
    /// final flow holds packets the caller has not, so it decides a box only once given those back
    /// (<see cref="Ownership.Widened"/>); a widened flow stopped inside is stopped rightly, since the
    /// decided box that equals it holds the caller's packets too.
    /// </summary>
    private void CallWidened(CompiledChain target, Flow flow, int reads, List<Flow> accepted, List<Flow> returned, int depth)
    {
        var wide = flow.Box;
        for (var d = 0; d < Dimensions.Count; d++)
            if ((reads & 1 << d) == 0) wide = wide.With((Dimension)d, rules.Space.Full((Dimension)d));
        if ((reads & ChainReads.MarkBit) == 0) wide = wide.WithMark(BitCubeSet.All);
        var key = new SummaryKey(target, wide, flow.View, depth, true);
        if (!_summaries.TryGetValue(key, out var summary))
        {
            var (inAccepted, inReturned, first) = (new List<Flow>(), new List<Flow>(), _finals.Count);
            _ownership!.Widened++;
            RunChain(target, flow with { Box = wide }, inAccepted, inReturned, depth);
            _ownership.Widened--;
            summary = new ChainSummary(BoxMerge.MergeOwned(inAccepted), BoxMerge.MergeOwned(inReturned), _finals.GetRange(first, _finals.Count - first));
            _finals.RemoveRange(first, _finals.Count - first);
            _summaries[key] = summary;
        }

        Flow Back(Flow inside)
        {
            var box = inside.Box;
            for (var d = 0; d < Dimensions.Count; d++)
                if ((reads & 1 << d) == 0) box = box.With((Dimension)d, flow.Box[(Dimension)d]);
            if ((reads & ChainReads.MarkBit) == 0) box = box.WithMark(flow.Box.Mark);
            return inside with { Box = box };
        }

        foreach (var f in summary.Accepted) accepted.Add(Back(f));
        foreach (var f in summary.Returned) returned.Add(Back(f));
        foreach (var f in summary.Finals)
        {
            var final = f with { Flow = Back(f.Flow) };
            _ownership!.Grafted(final);
            _finals.Add(final);
        }
    }

    /// <summary>What a target does with the flows that matched; those that go on land in <paramref name="continuing"/>.</summary>
    private void Apply(CompiledChain chain, TargetAction action, List<Flow> matched, List<Flow> accepted, List<Flow> returned,
        List<Flow> continuing, int depth)
    {
        switch (action.Kind)
        {
            case ActionKind.Continue:
                continuing.AddRange(matched);
                break;
            case ActionKind.Accept:
                foreach (var flow in matched) Accept(flow, accepted);
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
                    Finish(matched, ReachVerdict.Maybe);
                else
                    foreach (var flow in matched)
                        Call(target, flow, accepted, action.Kind == ActionKind.Jump ? continuing : returned, depth + 1);
                break;
            case ActionKind.Mark:
                continuing.AddRange(matched.Select(f => f with { View = f.View.WithMark(action.Value, action.Mask) }));
                break;
            case ActionKind.MarkFromConnection:
                continuing.AddRange(matched.Select(f => f with { View = f.View.WithUnknownMark(action.Mask) }));
                break;
            case ActionKind.Untrack:
                continuing.AddRange(matched.Select(f => f with { View = f.View.WithState(_ => (int)ConntrackStates.Untracked) }));
                break;
            case ActionKind.Dnat or ActionKind.Snat when action.Interfaces is { } usable:
                var (can, cannot) = (new List<Flow>(), new List<Flow>());
                var side = action.Kind == ActionKind.Dnat ? Dimension.In : Dimension.Out;
                foreach (var flow in matched) FlowSplitter.Partition(flow, new RuleShape([(side, usable)], null), can, cannot);
                Finish(cannot, ReachVerdict.Drop);
                Apply(chain, action with { Interfaces = null }, can, accepted, returned, continuing, depth);
                break;
            case ActionKind.Dnat:
                foreach (var flow in matched)
                    foreach (var (part, changed) in ByChange(flow, action))
                    {
                        var view = changed ? part.View.WithState(s => s | (int)ConntrackStates.Dnat) : part.View;
                        Accept(part with { View = view with { Dst = action.NatDestination ?? view.Dst, Dport = action.NatPort ?? view.Dport } }, accepted);
                    }

                break;
            case ActionKind.Snat:
                foreach (var flow in matched) Accept(flow with { View = flow.View.WithState(s => s | (int)ConntrackStates.Snat) }, accepted);
                break;
            default:
                Finish(matched, ReachVerdict.Maybe);
                break;
        }
    }

    /// <summary>
    /// The routing decision of a host that forwards nothing: only what a bridge switches (in and out by
    /// that same bridge) goes on to FORWARD; the rest is dropped, its way through PREROUTING kept.
    /// </summary>
    private List<Flow> Route(List<Flow> flows, IntervalSet switched)
    {
        var kept = new List<Flow>();
        foreach (var flow in flows)
        {
            var box = flow.Box;
            var bridged = new List<Box>();
            foreach (var (first, last) in box[Dimension.In].Intersect(box[Dimension.Out]).Intersect(switched).Ranges)
                for (var s = first; s <= last; s++)
                    bridged.Add(box.With(Dimension.In, IntervalSet.Single(s)).With(Dimension.Out, IntervalSet.Single(s)));
            kept.AddRange(bridged.Select(b => flow with { Box = b }));
            Finish(PacketSet.Of(box).Subtract(bridged).Boxes.Select(b => flow with { Box = b }), ReachVerdict.Drop);
        }

        return kept;
    }

    /// <summary>
    /// Conntrack marks a connection DNAT only when the translation changed its tuple: a flow already
    /// at the one address and port chosen keeps its state. A choice among several is a change.
    /// </summary>
    private IEnumerable<(Flow Flow, bool Changed)> ByChange(Flow flow, TargetAction dnat)
    {
        var to = dnat.NatDestination;
        var port = dnat.NatPort;
        if ((to is not null && to.Cardinality != 1) || (port is not null && port.Cardinality != 1)) return [(flow, true)];
        var same = new List<(Dimension, IntervalSet)>();
        if (to is not null) same.Add((Dimension.Dst, to));
        RuleShape[] unchanged = port is null
            ? [new RuleShape([.. same], null)]
            : [new RuleShape([.. same, (Dimension.Proto, PacketSpace.PortProtocols), (Dimension.Dport, port)], null),
               new RuleShape([.. same, (Dimension.Proto, PacketSpace.PortProtocols.Complement(255))], null)];
        var kept = new List<Flow>();
        var rest = new List<Flow> { flow };
        foreach (var shape in unchanged)
        {
            var outside = new List<Flow>();
            foreach (var f in rest) FlowSplitter.Partition(f, shape, kept, outside);
            rest = outside;
        }

        return kept.Select(f => (f, false)).Concat(rest.Select(f => (f, true)));
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
