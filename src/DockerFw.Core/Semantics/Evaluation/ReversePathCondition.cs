using System.Collections.Immutable;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Semantics.Evaluation;

/// <summary>
/// <c>-m rpfilter</c> (nft's <c>fib saddr ... oif missing</c>): failing the check is certainly false
/// for a source whose route back the host's addresses give (<see cref="ReversePathCheck.CertainReturns"/>,
/// the same sources the symbolic engine decides); anything else asks the routes, which the context
/// does not hold: maybe.
/// </summary>
internal sealed class ReversePathCondition(ReversePathCheck check) : Condition
{
    // The last context's answer per family: a trace asks the same context at every hook.
    private sealed record Known(EvaluationContext Context, IpFamily Family, ImmutableDictionary<string, IntervalSet> Returns);

    private Known? _known;

    public override Truth Test(Branch p, EvaluationContext context)
    {
        if (!check.Inverted || context.Addresses is not { } addresses || !p.Knows(PacketFields.Source)) return Truth.Maybe;
        var known = _known;
        if (known is null || !ReferenceEquals(known.Context, context) || known.Family != p.Family)
            _known = known = new Known(context, p.Family, ReversePathCheck.CertainReturns(addresses, p.Family, ReversePathCheck.Local(addresses, p.Family)));
        var routeBack = check.Loose
            ? known.Returns.Values.Any(s => s.Contains(p.Source))
            : known.Returns.TryGetValue(p.InView, out var sources) && sources.Contains(p.Source);
        return routeBack ? Truth.False : Truth.Maybe;
    }

    public override string Doubt => ReversePathCheck.Undecided;
}
