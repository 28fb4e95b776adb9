namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// Packets that have taken the same way so far: their arrival box, how NAT and MARK changed them,
/// the rules they matched (newest first) and the undecidable rules whose outcome this way assumed.
/// </summary>
internal sealed record Flow(Box Box, FlowView View, Trail<ResponsibleRule>? Trail, Trail<Assumption>? Doubts)
{
    /// <summary>
    /// Every packet of the flow is already held by an earlier final flow of the walk's first verdict
    /// (<see cref="Ownership"/>): whatever way it takes, its rules and doubts are never a region's,
    /// only whether it reaches another verdict. Such a flow carries neither trail nor doubts.
    /// </summary>
    public bool Owned { get; init; }

    /// <summary>What the question tells of the packets' connection (null: nothing, as for a packet of unknown origin).</summary>
    public ToldConnection? Told { get; init; }

    public Flow Matched(CompiledRule rule, Box box, bool doubtful, bool trackRules) =>
        Owned ? (ReferenceEquals(box, Box) ? this : this with { Box = box })
        : new(box, View, trackRules ? new(rule.Ref, Trail) : null, doubtful ? new(new Assumption(rule.Ref, true), Doubts) : Doubts) { Told = Told };

    public Flow Unmatched(CompiledRule rule, Box box, bool doubtful) =>
        doubtful && !Owned ? new(box, View, Trail, new(new Assumption(rule.Ref, false), Doubts)) { Told = Told } : ReferenceEquals(box, Box) ? this : this with { Box = box };
}

/// <summary>A flow at the end of its way.</summary>
internal sealed record FinalFlow(Flow Flow, ReachVerdict Verdict);

public enum ReachVerdict
{
    Accept,
    Drop,
    Reject,
    Maybe,
}
