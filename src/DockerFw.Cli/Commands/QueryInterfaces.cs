using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Cli.Commands;

/// <summary>
/// The interface symbols a reach query allows on each side: what "any" means in a box, and what an
/// <c>inExcept</c>/<c>outExcept</c> list of the JSON is taken out of (docs/reach-json.md).
/// </summary>
internal sealed record QueryInterfaces(IntervalSet In, IntervalSet Out)
{
    public static QueryInterfaces Of(ReachResult result) => new(Allowed(result, Dimension.In), Allowed(result, Dimension.Out));

    public IntervalSet this[Dimension side] => side == Dimension.In ? In : Out;

    /// <summary>
    /// The allowed symbols a set leaves out, when they are fewer than the set's own (and some): every
    /// box lies in the query, so "the query's packets but those on these interfaces" is exactly the set.
    /// </summary>
    public IntervalSet? LeftOut(Dimension side, IntervalSet set)
    {
        var allowed = this[side];
        if (!set.IsSubsetOf(allowed)) return null;
        var rest = allowed.Subtract(set);
        return !rest.IsEmpty && rest.Cardinality < set.Cardinality ? rest : null;
    }

    private static IntervalSet Allowed(ReachResult result, Dimension d) =>
        result.Query.Boxes.Aggregate(IntervalSet.Empty, (all, box) => all.Union(box[d]));
}
