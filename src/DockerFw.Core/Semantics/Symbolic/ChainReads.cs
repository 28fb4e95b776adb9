namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// The dimensions a chain's rules (and those of the chains it jumps to) test: a flow's sets on the
/// others never cut it in there, so what the chain does to one box it does to every box that differs
/// from it only there. The TUM dumps' <c>mac_*</c> chains (a thousand <c>-s HOST -m mac -j RETURN</c>,
/// <c>-s HOST -j DROP</c>) test the source alone, yet were walked once per distinct box that reached
/// them. Null for a chain whose targets rewrite or cut by more than its conditions (NAT), for a loop or a
/// missing chain.
/// </summary>
internal sealed class ChainReads(SymbolicRuleset rules)
{
    // Deeper nesting than this is not followed (the walk ends a loop in MAYBE at its own depth).
    private const int MaxNesting = 50;

    /// <summary>The bit of the mark beside one bit per <see cref="Dimension"/>.</summary>
    public const int MarkBit = 1 << Dimensions.Count;

    public const int Everything = MarkBit | (MarkBit - 1);

    private readonly Dictionary<CompiledChain, int?> _known = [];

    /// <summary>One bit per dimension read, <see cref="MarkBit"/> for the mark; null when the chain is not that simple.</summary>
    public int? Of(CompiledChain chain) => Of(chain, []);

    private int? Of(CompiledChain chain, List<CompiledChain> open)
    {
        if (_known.TryGetValue(chain, out var known)) return known;
        if (open.Count > MaxNesting || open.Contains(chain)) return null;
        open.Add(chain);
        int? reads = 0;
        foreach (var rule in chain.Rules)
        {
            var action = rule.Action;
            foreach (var shape in rule.Shapes)
            {
                foreach (var (d, _) in shape.Cuts) reads |= 1 << (int)d;
                if (shape.Mark is not null) reads |= MarkBit;
            }

            // A connection mark is read on the state (whether there is a connection, whether the packet
            // opened it) and, once saved from it, on the packet mark.
            if (rule.ConnectionMark is not null || action.Kind == ActionKind.ConnectionMark) reads |= 1 << (int)Dimension.State | MarkBit;

            switch (action.Kind)
            {
                case ActionKind.Continue or ActionKind.Accept or ActionKind.Drop or ActionKind.Reject or ActionKind.Return
                    or ActionKind.Mark or ActionKind.ConnectionMark or ActionKind.Untrack:
                    break;
                case ActionKind.Jump or ActionKind.Goto when rules.Chain(chain.Table, action.Chain!) is { Policy: null } target:
                    reads = Of(target, open) is { } inner ? reads | inner : null;
                    break;
                default:
                    reads = null;
                    break;
            }

            if (reads is null) break;
        }

        open.RemoveAt(open.Count - 1);
        _known[chain] = reads;
        return reads;
    }
}
