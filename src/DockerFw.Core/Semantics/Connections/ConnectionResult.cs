using System.Collections.Immutable;

namespace DockerFw.Core.Semantics.Connections;

/// <summary>
/// Whether A can reach B: every possible combination of the first packet's and the reply's
/// outcomes. Certain when they all agree; otherwise each possibility carries its doubts.
/// </summary>
public sealed record ConnectionResult(TraceResult Request, ImmutableArray<ConnectionOutcome> Outcomes)
{
    public ImmutableArray<Reachability> Possible { get; } = Outcomes.Select(o => o.Reachability).Distinct().Order().ToImmutableArray();

    public bool Certain => Possible.Length == 1;

    public Reachability? Reachability => Certain ? Possible[0] : null;
}
