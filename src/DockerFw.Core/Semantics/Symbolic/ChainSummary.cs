namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// What a chain does with one flow, computed once per walk and reused by every jump that brings it
/// the same packets (same box, same view) at the same depth: the flows it accepts, those it returns,
/// and those it ends. Their trails hold only what happened inside the chain; <see cref="Graft"/>
/// puts them after a caller's. Without it a chain that jumps twice to the next, 40 levels deep,
/// would be walked 2^40 times.
/// </summary>
internal sealed record ChainSummary(List<Flow> Accepted, List<Flow> Returned, List<FinalFlow> Finals)
{
    /// <summary>The flow as a caller sees it: the caller's way, then the chain's.</summary>
    public static Flow Graft(Flow caller, Flow inside) => inside.Owned ? inside : inside with
    {
        Trail = Trail<ResponsibleRule>.Graft(caller.Trail, inside.Trail),
        Doubts = Trail<Assumption>.Graft(caller.Doubts, inside.Doubts),
    };
}

/// <summary>
/// The key of a summary: the chain, the packets it is given, how they look, the depth (a loop ends at a
/// depth), and whether they are owned (an owned walk keeps no trails and drops flows).
/// </summary>
internal readonly record struct SummaryKey(CompiledChain Chain, Box Box, FlowView View, int Depth, bool Owned);
