namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// Packets that have taken the same way so far: their arrival box, how NAT and MARK changed them,
/// the rules they matched (newest first) and the undecidable rules whose outcome this way assumed.
/// </summary>
internal sealed record Flow(Box Box, FlowView View, Trail<ResponsibleRule>? Trail, Trail<Assumption>? Doubts)
{
    public Flow Matched(CompiledRule rule, Box box, bool doubtful, bool trackRules) =>
        new(box, View, trackRules ? new(rule.Ref, Trail) : null, doubtful ? new(new Assumption(rule.Ref, true), Doubts) : Doubts);

    public Flow Unmatched(CompiledRule rule, Box box, bool doubtful) =>
        doubtful ? new(box, View, Trail, new(new Assumption(rule.Ref, false), Doubts)) : ReferenceEquals(box, Box) ? this : this with { Box = box };
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
