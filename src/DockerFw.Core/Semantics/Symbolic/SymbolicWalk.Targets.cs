using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>What targets do to the flows a rule matched, and the routing decision between the hooks.</summary>
internal sealed partial class SymbolicWalk
{
    // The packets a DNAT leaves as they were (already at its one address and port), per address and port.
    private readonly Dictionary<(IntervalSet? To, IntervalSet? Port), RuleShape[]> _unchanged = [];

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
            case ActionKind.ConnectionMark:
                ConnectionMarks.Apply(matched, action.Connmark!, continuing);
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
                        // A DNAT to where the packet already goes binds all the same (DST_NAT_DONE), without the DNAT status.
                        var view = changed ? part.View.WithState(s => s | (int)ConntrackStates.Dnat) : part.View;
                        Accept(part with { View = view with { Dst = action.NatDestination ?? view.Dst, Dport = action.NatPort ?? view.Dport, NatBoundAt = _hook } }, accepted);
                    }

                break;
            case ActionKind.Snat:
                foreach (var flow in matched) Accept(flow with { View = flow.View.WithState(s => s | (int)ConntrackStates.Snat) with { NatBoundAt = _hook } }, accepted);
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
    private List<(Flow Flow, bool Changed)> ByChange(Flow flow, TargetAction dnat)
    {
        var to = dnat.NatDestination;
        var port = dnat.NatPort;
        if ((to is not null && to.Cardinality != 1) || (port is not null && port.Cardinality != 1)) return [(flow, true)];
        if (!_unchanged.TryGetValue((to, port), out var unchanged))
        {
            // Made once per rule: a published port's DNAT cuts every flow of every network that reaches it.
            var same = new List<(Dimension, IntervalSet)>();
            if (to is not null) same.Add((Dimension.Dst, to));
            _unchanged[(to, port)] = unchanged = port is null
                ? [new RuleShape([.. same], null)]
                : [new RuleShape([.. same, (Dimension.Proto, PacketSpace.PortProtocols), (Dimension.Dport, port)], null),
                   new RuleShape([.. same, (Dimension.Proto, PacketSpace.PortProtocols.Complement(255))], null)];
        }

        var kept = new List<Flow>();
        var rest = new List<Flow> { flow };
        foreach (var shape in unchanged)
        {
            var outside = new List<Flow>();
            foreach (var f in rest) FlowSplitter.Partition(f, shape, kept, outside);
            rest = outside;
        }

        var parts = new List<(Flow Flow, bool Changed)>(kept.Count + rest.Count);
        foreach (var f in kept) parts.Add((f, false));
        foreach (var f in rest) parts.Add((f, true));
        return parts;
    }
}
