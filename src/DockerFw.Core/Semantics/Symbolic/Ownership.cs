namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// Which packets are already spoken for while a walk runs. The regions group the final flows by verdict
/// in the order each verdict first appears, and give a doubtful packet the way of the first flow that
/// holds it (<see cref="RegionBuilder"/>). So a flow whose every packet an earlier final flow of the
/// first verdict holds can never give a region its rules or doubts: all it can still add is "some
/// packets reach another verdict", which makes them MAYBE. Such a flow is <see cref="Flow.Owned"/>:
/// walked without trail or doubts, dropped when it ends in the first verdict, and dropped early when
/// a final flow of another verdict already holds its box (its packets are MAYBE whatever it does).
/// docs/symbolic.md ("Owned flows") says why this keeps every region's packets, verdict and rules.
/// </summary>
internal sealed class Ownership
{
    // The boxes of doubtful final flows of the first verdict, and of final flows of any other verdict.
    private readonly HashSet<Box> _owners = [];
    private readonly HashSet<Box> _decided = [];

    /// <summary>The verdict of the walk's first final flow: its group comes first in the regions.</summary>
    public ReachVerdict? First { get; private set; }

    /// <summary>
    /// How many summaries of widened boxes are being walked (<see cref="ChainReads"/>): their final flows
    /// hold packets the caller does not have, so they decide nothing until given the caller's sets back.
    /// </summary>
    public int Widened { get; set; }

    /// <summary>Notes a final flow; false when it is owned and adds nothing (it ends in the first verdict).</summary>
    public bool Finished(Flow flow, ReachVerdict verdict)
    {
        First ??= verdict;
        if (verdict != First)
        {
            if (Widened == 0) _decided.Add(flow.Box);
            return true;
        }

        if (flow.Owned) return false;
        if (flow.Doubts is not null) _owners.Add(flow.Box);
        return true;
    }

    /// <summary>
    /// Notes a final flow of a chain's summary as a caller sees it: the summary walked the caller's flow
    /// without its doubts, so a final flow that holds a doubtful caller's packets owns them only now
    /// (a chain that logs and drops, jumped to by an undecidable rule, is the TUM dumps' first way).
    /// </summary>
    public void Grafted(FinalFlow final)
    {
        if (Widened > 0) return;
        if (final.Verdict != First) _decided.Add(final.Flow.Box);
        else if (!final.Flow.Owned && final.Flow.Doubts is not null) _owners.Add(final.Flow.Box);
    }

    /// <summary>
    /// The flow as it goes on: owned when an earlier final flow of the first verdict holds its box
    /// (only doubtful flows share packets with other flows); null when it is owned and a final flow of
    /// another verdict already holds its box.
    /// </summary>
    public Flow? Settle(Flow flow)
    {
        if (!flow.Owned)
        {
            if (flow.Doubts is null || !_owners.Contains(flow.Box)) return flow;
            flow = flow with { Owned = true, Trail = null, Doubts = null };
        }

        return _decided.Contains(flow.Box) ? null : flow;
    }
}
