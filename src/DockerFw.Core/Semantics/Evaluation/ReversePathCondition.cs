using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Evaluation;

/// <summary>
/// <c>-m rpfilter</c> (nft's <c>fib saddr ... oif missing</c>): the packet's source and input
/// interface asked of <see cref="ReturnPaths"/>, the answer the symbolic engine uses too: from the
/// context's routes, decided for every source but those they leave open; from its addresses alone,
/// a source they give a route back passes and the rest is maybe.
/// </summary>
internal sealed class ReversePathCondition(ReversePathCheck check) : Condition
{
    // The last context's knowledge per family: a trace asks the same context at every hook.
    private sealed record Known(EvaluationContext Context, IpFamily Family, ReturnPaths? Paths);

    private Known? _known;

    public override Truth Test(Branch p, EvaluationContext context)
    {
        var known = _known;
        if (known is null || !ReferenceEquals(known.Context, context) || known.Family != p.Family)
            _known = known = new Known(context, p.Family, ReturnPaths.Of(context, p.Family));
        if (known.Paths is not { } paths || !p.Knows(PacketFields.Source)) return Truth.Maybe;
        return paths.For(p.InView, check).Passes(p.Source) switch
        {
            true => check.Inverted ? Truth.False : Truth.True,
            false => check.Inverted ? Truth.True : Truth.False,
            null => Truth.Maybe,
        };
    }

    public override string Doubt => _known?.Paths?.Doubt ?? ReversePathCheck.Undecided;
}
