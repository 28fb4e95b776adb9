using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Evaluation;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// The connection mark (conntrack's <c>ct-&gt;mark</c>) as the walk knows it, beside the packet mark: what
/// CONNMARK does to it and what <c>-m connmark --mark</c> reads of it (docs/symbolic.md, "Marks").
/// A packet that arrived NEW created its connection (as <see cref="OriginalTupleConditions"/> takes it),
/// and a new entry's mark is 0 (<c>__nf_conntrack_alloc</c> clears it; an expected connection, which
/// arrives RELATED, copies its master's). An ESTABLISHED or RELATED packet finds whatever its
/// connection's earlier packets left, which no packet shows: bits the walk has not set are in doubt
/// there. A packet without a connection (INVALID, UNTRACKED) has no mark to read or write:
/// <c>connmark_mt</c> is false, negated or not, and the target does nothing.
/// </summary>
internal static class ConnectionMarks
{
    private static readonly RuleShape WithoutConnection =
        new([(Dimension.State, RuleCompiler.States(ConntrackStates.Untracked | ConntrackStates.Invalid))], null);

    // In arrival terms: the packets that created their connection (NEW, with or without the NAT bits a question gives).
    private static readonly RuleShape Opening = new([(Dimension.State, RuleCompiler.States(ConntrackStates.New))], null);

    /// <summary>
    /// The flows after a CONNMARK (xt_connmark's <c>connmark_tg_shift</c> with shift 0): <c>--set-xmark</c>
    /// sets <c>(ct &amp; ~ctmask) ^ value</c>, <c>--save-mark</c> <c>(ct &amp; ~ctmask) ^ (mark &amp; nfmask)</c>,
    /// <c>--restore-mark</c> the packet mark <c>(mark &amp; ~nfmask) ^ (ct &amp; ctmask)</c>; a shift leaves
    /// both marks unknown.
    /// </summary>
    public static void Apply(IEnumerable<Flow> matched, RuleAction action, List<Flow> continuing)
    {
        foreach (var flow in matched)
        {
            if (action is not ConnmarkAction op)
            {
                continuing.Add(flow with { View = flow.View.WithUnknownMark(uint.MaxValue) with { Connection = new(0, 0, uint.MaxValue, 0) } });
                continue;
            }

            // Set and save write a mark that only connmark reads and restore copies, both of which find
            // no connection where the packet has none: the untracked part may take it too, uncut.
            var ct = flow.View.Connection ?? MarkBits.ArrivedConnection;
            switch (op.Mode)
            {
                case ConnmarkMode.Set:
                    continuing.Add(flow with { View = flow.View with { Connection = ct.Set(op.Value, op.CtMask) } });
                    break;
                case ConnmarkMode.Save:
                    continuing.Add(flow with { View = flow.View with { Connection = ct.And(~op.CtMask).Xor(flow.View.Packet.And(op.NfMask)) } });
                    break;
                default:
                    var (none, tracked) = (new List<Flow>(), new List<Flow>());
                    FlowSplitter.Partition(flow, WithoutConnection, none, tracked);
                    continuing.AddRange(none);
                    foreach (var piece in Resolve(tracked, op.CtMask))
                    {
                        var known = piece.View.Connection ?? MarkBits.ArrivedConnection;
                        var mark = piece.View.Packet.And(~op.NfMask).Xor(known.And(op.CtMask));
                        continuing.Add(piece with { View = piece.View.WithPacket(mark) });
                    }

                    break;
            }
        }
    }

    /// <summary>
    /// Cuts a flow by a rule's <c>-m connmark --mark</c> (<paramref name="test"/>), then hands each piece to
    /// <paramref name="rest"/> for the rule's other conditions with whether the connection mark stays in
    /// doubt there; the pieces it certainly fails go to <paramref name="unmatched"/>.
    /// </summary>
    public static void Split(Flow flow, ConnectionMarkTest test, List<Flow> unmatched, Action<Flow, bool> rest)
    {
        var (none, tracked) = (new List<Flow>(), new List<Flow>());
        FlowSplitter.Partition(flow, WithoutConnection, none, tracked);
        unmatched.AddRange(none);
        var tested = test.Marks.Cubes.Aggregate(0u, (bits, c) => bits | c.Mask);
        foreach (var piece in Resolve(tracked, tested))
        {
            var marks = (piece.View.Connection ?? MarkBits.ArrivedConnection).Preimage(test.Marks);
            if (marks is null)
            {
                rest(piece, true);
                continue;
            }

            // The test in terms of the packet mark the packet arrived with (a saved mark): cut on it unpulled.
            if (marks.IsEmpty)
            {
                unmatched.Add(piece);
                continue;
            }

            var (inside, outside) = (new List<Box>(), new List<Box>());
            FlowSplitter.Cut(piece.Box, new RuleShape([], marks), inside, outside);
            unmatched.AddRange(outside.Select(b => piece with { Box = b }));
            foreach (var box in inside) rest(piece with { Box = box }, false);
        }
    }

    /// <summary>
    /// The flows with the arriving connection mark's <paramref name="bits"/> made known where it is known:
    /// cut into the packets that created their connection (mark 0) and the others (unknown), where the
    /// flow still reads any of those bits as it arrived.
    /// </summary>
    private static IEnumerable<Flow> Resolve(List<Flow> flows, uint bits)
    {
        foreach (var flow in flows)
        {
            var ct = flow.View.Connection ?? MarkBits.ArrivedConnection;
            if ((ct.FromConnection & bits) == 0)
            {
                yield return flow;
                continue;
            }

            var (opening, later) = (new List<Box>(), new List<Box>());
            FlowSplitter.Cut(flow.Box, Opening, opening, later);
            foreach (var box in opening) yield return flow with { Box = box, View = flow.View with { Connection = ct.Resolved(true) } };
            foreach (var box in later) yield return flow with { Box = box, View = flow.View with { Connection = ct.Resolved(false) } };
        }
    }
}

/// <summary>
/// A rule's <c>-m connmark --mark</c> tests (nft's <c>ct mark</c>): the connection marks it holds, negation
/// applied; <see cref="OtherDoubt"/>: another of its conditions is undecidable.
/// </summary>
internal sealed record ConnectionMarkTest(BitCubeSet Marks, bool OtherDoubt)
{
    public const string Doubt = "the connection mark of an ESTABLISHED or RELATED packet is what its connection's earlier packets left";
}
