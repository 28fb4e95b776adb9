namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// Jumps and gotos: a chain is walked once per distinct flow it is given (<see cref="ChainSummary"/>)
/// and its result grafted onto every caller, so a chain reached by 2^40 ways costs one walk per level.
/// </summary>
internal sealed partial class SymbolicWalk
{
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
        var keepMark = (reads & ChainReads.MarkBit) != 0;
        var wide = flow.Box.Blend(_everything ??= Everything(), reads, keepMark);
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

        Flow Back(Flow inside) => inside with { Box = inside.Box.Blend(flow.Box, reads, keepMark) };

        foreach (var f in summary.Accepted) accepted.Add(Back(f));
        foreach (var f in summary.Returned) returned.Add(Back(f));
        foreach (var f in summary.Finals)
        {
            var final = f with { Flow = Back(f.Flow) };
            _ownership!.Grafted(final);
            _finals.Add(final);
        }
    }

    /// <summary>The whole space: what a widened box holds on every dimension its chain does not read (made once per walk).</summary>
    private Box Everything() =>
        new([.. Enumerable.Range(0, Dimensions.Count).Select(d => rules.Space.Full((Dimension)d))], BitCubeSet.All);
}
