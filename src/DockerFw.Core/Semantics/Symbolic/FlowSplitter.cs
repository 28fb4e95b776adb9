namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>Cuts a flow into the part a rule matches and the part it does not.</summary>
internal static partial class FlowSplitter
{
    [ThreadStatic] private static List<Box>? RestScratch;
    [ThreadStatic] private static List<Box>? InsideScratch;
    [ThreadStatic] private static List<Box>? NextScratch;
    [ThreadStatic] private static List<Box>? PartInScratch;
    [ThreadStatic] private static List<Box>? PartOutScratch;

    /// <param name="hidden">
    /// The interface the hook does not know (PREROUTING and INPUT have no output interface yet,
    /// OUTPUT and POSTROUTING no input one): the kernel compares the empty name there.
    /// </param>
    public static void Split(Flow flow, CompiledRule rule, List<Flow> matched, List<Flow> unmatched, bool trackRules = true,
        Dimension? hidden = null, int noInterface = -1)
    {
        if (rule.ConnectionMark is { } test && rule.Shapes.Length > 0)
        {
            ConnectionMarks.Split(flow, test, unmatched,
                (piece, doubt) => SplitRest(piece, rule, doubt, matched, unmatched, trackRules, hidden, noInterface));
            return;
        }

        SplitRest(flow, rule, false, matched, unmatched, trackRules, hidden, noInterface);
    }

    /// <param name="markDoubt">The rule's connection mark test is in doubt for this flow (decided true otherwise, or absent).</param>
    private static void SplitRest(Flow flow, CompiledRule rule, bool markDoubt, List<Flow> matched, List<Flow> unmatched, bool trackRules,
        Dimension? hidden, int noInterface)
    {
        if (rule.NatStatus is { } status && rule.Shapes.Length > 0)
        {
            SplitByNatStatus(flow, rule, status, markDoubt, matched, unmatched, trackRules, hidden, noInterface);
            return;
        }

        if (rule.Doubtful is { } doubtful && rule.Doubt is not null)
        {
            if (flow.Told is { } told && rule.OriginalTuple is { } tuple)
            {
                SplitTold(flow, rule, tuple.Decide(told, doubtful), doubtful, matched, unmatched, trackRules, hidden, noInterface);
                return;
            }

            SplitByDoubtful(flow, rule, doubtful, markDoubt, matched, unmatched, trackRules, hidden, noInterface);
            return;
        }

        Split(flow, rule, markDoubt || rule.OwnDoubt, matched, unmatched, trackRules, hidden, noInterface);
    }

    /// <summary>The flow's pieces inside the rule's doubtful shapes (open) and outside them (rest), the hidden interface dimension as the rule reads it.</summary>
    private static (List<Flow> Open, List<Flow> Outside) Open(Flow flow, CompiledRule rule, RuleShape[] doubtful, Dimension? hidden, int noInterface)
    {
        if (hidden is { } h && rule.Tests(h)) doubtful = Hide(doubtful, h, (UInt128)noInterface);
        var (open, rest) = (new List<Flow>(), new List<Flow> { flow });
        foreach (var shape in doubtful)
        {
            var outside = new List<Flow>();
            foreach (var piece in rest) Partition(piece, shape, open, outside);
            rest = outside;
        }

        return (open, rest);
    }

    /// <summary>A rule in doubt only inside <paramref name="doubtful"/>: the flow's pieces there may match, the rest is cut certainly.</summary>
    private static void SplitByDoubtful(Flow flow, CompiledRule rule, RuleShape[] doubtful, bool markDoubt, List<Flow> matched, List<Flow> unmatched, bool trackRules,
        Dimension? hidden, int noInterface)
    {
        var (open, rest) = Open(flow, rule, doubtful, hidden, noInterface);
        foreach (var piece in open) Split(piece, rule, true, matched, unmatched, trackRules, hidden, noInterface);
        foreach (var piece in rest) Split(piece, rule, markDoubt, matched, unmatched, trackRules, hidden, noInterface);
    }

    /// <summary>
    /// nft's <c>ct status dnat</c> or <c>snat</c>: the connection's status bit, which conntrack sets when
    /// nat changed the tuple and which <c>--ctstate DNAT/SNAT</c> reads too, so the flow's state says it
    /// (oracle F45): a later packet, or one the question gives as DNATed (<c>NEW,DNAT</c> after routing),
    /// carries its connection's bits; a NEW packet has those the walk's nat set on the way here. Decided
    /// as a <c>--ctstate</c> test of the bit is, except where a DNAT on the way may have kept the
    /// destination (a choice among several: the kernel sets the bit only when the tuple changes), which
    /// stays undecided, as the rule's doubt says. A packet without a connection (UNTRACKED, INVALID: IPv6
    /// neighbour discovery is untracked) has no status: nft's <c>ct status</c> breaks the rule, negated or
    /// not (the status is nft's alone: iptables' <c>--ctstatus</c> has no DNAT).
    /// </summary>
    private static void SplitByNatStatus(Flow flow, CompiledRule rule, NatStatus status, bool markDoubt, List<Flow> matched, List<Flow> unmatched, bool trackRules,
        Dimension? hidden, int noInterface)
    {
        var (none, tracked) = (new List<Flow>(), new List<Flow>());
        Partition(flow, WithoutConnection, none, tracked);
        unmatched.AddRange(none);
        var bit = new RuleShape([(Dimension.State, RuleCompiler.States(status.Bit))], null);
        var (set, clear) = (new List<Flow>(), new List<Flow>());
        foreach (var piece in tracked) Partition(piece, bit, set, clear);
        Decide(clear, false);
        foreach (var piece in set)
        {
            if (status.Bit != Model.Values.ConntrackStates.Dnat || piece.View.Dst is null && piece.View.Dport is null)
            {
                Decide([piece], true);
                continue;
            }

            // The walk's DNAT set the bit of the NEW packets it bound: sure where it moved them (the new
            // address or port cannot be the one they arrived with), unsure where it may have kept them; a
            // packet that arrived with the bit was DNATed before.
            var (arrived, fresh) = (new List<Box>(), new List<Box>());
            Cut(piece.Box, bit, arrived, fresh);
            Decide([.. arrived.Select(b => piece with { Box = b })], true);
            foreach (var box in fresh)
            {
                var view = piece.View;
                var moved = view.Dst is { } dst && !dst.Overlaps(box[Dimension.Dst]) || view.Dport is { } port && !port.Overlaps(box[Dimension.Dport]);
                Decide([piece with { Box = box }], moved ? true : null);
            }
        }

        void Decide(List<Flow> pieces, bool? isSet)
        {
            foreach (var piece in pieces)
                if (isSet is { } known && known != status.Wanted) unmatched.Add(piece);
                else Split(piece, rule, isSet is null || status.OtherDoubt || markDoubt, matched, unmatched, trackRules, hidden, noInterface);
        }
    }

    private static readonly RuleShape WithoutConnection =
        new([(Dimension.State, RuleCompiler.States(Model.Values.ConntrackStates.Untracked | Model.Values.ConntrackStates.Invalid))], null);

    private static void Split(Flow flow, CompiledRule rule, bool doubtful, List<Flow> matched, List<Flow> unmatched, bool trackRules,
        Dimension? hidden, int noInterface)
    {
        var shapes = rule.Shapes;
        if (hidden is { } h && rule.Tests(h))
            shapes = Hide(shapes, h, (UInt128)noInterface);
        if (shapes.Length == 1)
        {
            // The hot path: one box, usually rejected by its first constraint (an interface, which no
            // target rewrites) without allocating.
            var shape = shapes[0];
            if (shape.Constraints.Length > 0 && shape.Constraints[0].Dimension is Dimension.In or Dimension.Out
                && !flow.Box[shape.Constraints[0].Dimension].Overlaps(shape.Constraints[0].Set))
            {
                unmatched.Add(flow);
                return;
            }
        }

        if (!flow.View.IsIdentity)
        {
            if (!shapes.Any(shape => MayOverlap(flow.Box, shape)))
            {
                unmatched.Add(flow);
                return;
            }

            shapes = Pull(shapes, flow.View, ref doubtful);
        }

        // Most candidate rules miss the flow: it goes on whole, without cutting lists.
        if (!TouchesAny(flow.Box, shapes))
        {
            unmatched.Add(flow);
            return;
        }

        // Scratch lists of the thread, cleared at each split: most splits make a piece or two.
        var (rest, inside, next) = (RestScratch ??= [], InsideScratch ??= [], NextScratch ??= []);
        rest.Clear();
        inside.Clear();
        rest.Add(flow.Box);
        foreach (var shape in shapes)
        {
            next.Clear();
            foreach (var box in rest) Cut(box, shape, inside, next);
            (rest, next) = (next, rest);
        }

        foreach (var box in inside)
        {
            matched.Add(flow.Matched(rule, box, doubtful, trackRules));
            if (doubtful) unmatched.Add(flow.Unmatched(rule, box, true));
        }

        foreach (var box in rest) unmatched.Add(flow.Unmatched(rule, box, false));
    }

    /// <summary>Cuts a flow by a condition that is not a rule (the trails stay as they are).</summary>
    public static void Partition(Flow flow, RuleShape shape, List<Flow> inside, List<Flow> outside)
    {
        var doubtful = false;
        var pulled = flow.View.IsIdentity ? shape : Pull(shape, flow.View, ref doubtful);
        if (pulled is null)
        {
            outside.Add(flow);
            return;
        }

        // Scratch lists of the thread (a partition calls nothing that partitions): every DNAT and SNAT
        // of a walk partitions its flows, thousands of times on a host with many published ports.
        var (ins, outs) = (PartInScratch ??= [], PartOutScratch ??= []);
        ins.Clear();
        outs.Clear();
        Cut(flow.Box, pulled, ins, outs);
        foreach (var box in ins) inside.Add(ReferenceEquals(box, flow.Box) ? flow : flow with { Box = box });
        foreach (var box in outs) outside.Add(ReferenceEquals(box, flow.Box) ? flow : flow with { Box = box });
    }

    /// <summary>Splits one box by one shape: the inside, and up to one piece per constraint outside.</summary>
    public static void Cut(Box box, RuleShape shape, List<Box> inside, List<Box> outside)
    {
        // A shape that misses the box on one dimension must not cut it on the others.
        var cuts = shape.Cuts;
        foreach (var (d, set) in cuts)
        {
            if (box[d].Overlaps(set)) continue;
            outside.Add(box);
            return;
        }

        if (shape.Mark is { } m && !box.Mark.Overlaps(m))
        {
            outside.Add(box);
            return;
        }

        // The part still inside, as sets copied once at the first cut (a Box per cut was garbage at once).
        IntervalSet[]? sets = null;
        foreach (var (d, set) in cuts)
        {
            var values = sets is null ? box[d] : sets[(int)d];
            if (!values.Overlaps(set))
            {
                outside.Add(sets is null ? box : new Box(sets, box.Mark));
                return;
            }

            // Inside already (an interface a flow holds alone, a protocol it was cut to): nothing to cut,
            // and no set made to find it out.
            if (values.IsSubsetOf(set)) continue;
            var left = values.Subtract(set);
            if (left.IsEmpty) continue;
            sets ??= box.CopySets();
            var piece = (IntervalSet[])sets.Clone();
            piece[(int)d] = left;
            outside.Add(new Box(piece, box.Mark));
            sets[(int)d] = values.Intersect(set);
        }

        var current = sets is null ? box : new Box(sets, box.Mark);

        if (shape.Mark is { } mark)
        {
            var marks = current.Mark;
            if (!marks.Overlaps(mark))
            {
                outside.Add(current);
                return;
            }

            var left = marks.Subtract(mark);
            if (!left.IsEmpty)
            {
                outside.Add(current.WithMark(left));
                current = current.WithMark(marks.Intersect(mark));
            }
        }

        inside.Add(current);
    }

    // A loop, not Array.Exists: its lambda would hold the box, a delegate made at every split.
    private static bool TouchesAny(Box box, RuleShape[] shapes)
    {
        foreach (var shape in shapes)
            if (Touches(box, shape)) return true;
        return false;
    }

    /// <summary>Whether the shape meets the box on every dimension it cuts and on the mark (else <see cref="Cut"/> leaves the box whole).</summary>
    private static bool Touches(Box box, RuleShape shape)
    {
        foreach (var (d, set) in shape.Constraints)
            if (!box[d].Overlaps(set)) return false;
        foreach (var (d, set) in shape.Arrival)
            if (!box[d].Overlaps(set)) return false;
        return shape.Mark is not { } mark || box.Mark.Overlaps(mark);
    }

    private static RuleShape[] Hide(RuleShape[] shapes, Dimension hidden, UInt128 noInterface) =>
        shapes.Where(s => s.Constraints.All(c => c.Dimension != hidden || c.Set.Contains(noInterface)))
            .Select(s => s with { Constraints = s.Constraints.Where(c => c.Dimension != hidden).ToArray() })
            .ToArray();

    /// <summary>False when a dimension no target rewrites already rules the shape out.</summary>
    private static bool MayOverlap(Box box, RuleShape shape)
    {
        foreach (var (d, set) in shape.Constraints)
            if (d is not (Dimension.Dst or Dimension.Dport or Dimension.State) && !box[d].Overlaps(set)) return false;
        return true;
    }

    private static RuleShape[] Pull(RuleShape[] shapes, FlowView view, ref bool doubtful)
    {
        // Most rules test nothing a view rewrites (a MASQUERADE after a DNAT reads the source and the
        // output interface): such a shape is its own pull, and the array is shared, not copied.
        List<RuleShape>? pulled = null;
        for (var s = 0; s < shapes.Length; s++)
        {
            var shape = shapes[s];
            var same = Pull(shape, view, ref doubtful) is var one && ReferenceEquals(one, shape);
            if (same && pulled is null) continue;
            if (pulled is null)
            {
                pulled = new List<RuleShape>(shapes.Length);
                for (var k = 0; k < s; k++) pulled.Add(shapes[k]);
            }

            if (one is not null) pulled.Add(one);
        }

        return pulled is null ? shapes : pulled.ToArray();
    }

    /// <summary>One shape in arrival terms: the shape itself when the view changes none of its conditions, null when it never holds.</summary>
    private static RuleShape? Pull(RuleShape shape, FlowView view, ref bool doubtful)
    {
        var never = false;
        List<(Dimension, IntervalSet)>? constraints = null;
        for (var c = 0; c < shape.Constraints.Length; c++)
        {
            var (d, set) = shape.Constraints[c];
            var pre = view.Pull(d, set, ref doubtful);
            if (pre is { IsEmpty: true }) never = true;
            if (ReferenceEquals(pre, set) && constraints is null) continue;
            if (constraints is null)
            {
                constraints = new List<(Dimension, IntervalSet)>(shape.Constraints.Length);
                for (var k = 0; k < c; k++) constraints.Add(shape.Constraints[k]);
            }

            if (pre is not null) constraints.Add((d, pre));
        }

        var mark = shape.Mark is null ? null : view.PullMark(shape.Mark, ref doubtful);
        never |= mark is { IsEmpty: true };
        if (never) return null;
        if (constraints is null && ReferenceEquals(mark, shape.Mark)) return shape;
        return new RuleShape(constraints?.ToArray() ?? shape.Constraints, mark) { Arrival = shape.Arrival };
    }
}
