namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// Folds the two ways of an undecidable rule back together where they lead to the same place: where
/// two flows with the same view and the same rules met, whose assumptions differ only in the outcome
/// of one rule, hold the same packets, those packets continue identically whichever way the rule
/// went, so the rule no longer matters for them. A Docker host's
/// <c>-m addrtype --dst-type LOCAL -j DOCKER</c> is the common case: for traffic from a bridge both ways
/// leave the nat table unchanged, except for the published ports.
/// </summary>
internal static class Siblings
{
    // The pairwise search is quadratic; past this many doubtful flows it is not worth it.
    private const int MaxDoubtful = 256;
    private const int MaxAssumptions = 4096;

    public static List<Flow> Merge(List<Flow> flows)
    {
        var doubtful = flows.Where(f => f.Doubts is not null).ToList();
        if (doubtful.Count < 2 || doubtful.Count > MaxDoubtful) return flows;
        var result = flows.Where(f => f.Doubts is null).ToList();
        for (var changed = true; changed;)
        {
            changed = false;
            for (var i = 0; i < doubtful.Count && !changed; i++)
                for (var j = i + 1; j < doubtful.Count && !changed; j++)
                {
                    var (a, b) = (doubtful[i], doubtful[j]);
                    if (a.View != b.View || !Trail<ResponsibleRule>.Same(a.Trail, b.Trail) || Differing(a.Doubts, b.Doubts) is not { } reduced
                        || a.Box.Intersect(b.Box) is not { } common) continue;
                    doubtful.RemoveAt(j);
                    doubtful.RemoveAt(i);
                    var merged = a with { Box = common, Doubts = reduced.Trail };
                    if (reduced.Trail is null) result.Add(merged);
                    else doubtful.Add(merged);
                    doubtful.AddRange(a.Box.Subtract(b.Box).Select(box => a with { Box = box }));
                    doubtful.AddRange(b.Box.Subtract(a.Box).Select(box => b with { Box = box }));
                    changed = true;
                }
        }

        result.AddRange(doubtful);
        return result;
    }

    /// <summary>The common assumptions when the lists differ in the outcome of one rule only.</summary>
    private static (Trail<Assumption>? Trail, bool Found)? Differing(Trail<Assumption>? a, Trail<Assumption>? b)
    {
        // Assumptions pile up once per pass over an undecidable rule; past a bound no merge is tried.
        if (a is null || b is null || a.Count != b.Count || a.Count > MaxAssumptions) return null;
        var x = Trail<Assumption>.OldestFirst(a);
        var y = Trail<Assumption>.OldestFirst(b);
        if (x.Count != y.Count) return null;
        var differing = -1;
        for (var i = 0; i < x.Count; i++)
        {
            if (x[i] == y[i]) continue;
            if (differing >= 0 || x[i].Rule != y[i].Rule) return null;
            differing = i;
        }

        if (differing < 0) return null;
        x.RemoveAt(differing);
        return (Trail<Assumption>.Of(x), true);
    }
}
