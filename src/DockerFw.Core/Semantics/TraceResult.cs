using System.Collections.Immutable;

namespace DockerFw.Core.Semantics;

/// <summary>
/// Everything that can happen to one packet. With no undecidable condition on the way there is one
/// outcome and the answer is certain; otherwise every possible outcome is listed with the doubts it
/// rests on, and <see cref="Verdict"/> is null when they disagree.
/// </summary>
public sealed record TraceResult(ImmutableArray<TraceOutcome> Outcomes)
{
    public ImmutableArray<PacketVerdict> PossibleVerdicts { get; } = Outcomes.Select(o => o.Verdict).Distinct().Order().ToImmutableArray();

    /// <summary>True when every outcome has the same verdict.</summary>
    public bool Certain => PossibleVerdicts.Length == 1;

    public PacketVerdict? Verdict => Certain ? PossibleVerdicts[0] : null;

    /// <summary>
    /// The rules the kernel counts for sure: all of them with one outcome, otherwise those every
    /// outcome counts before the first one that depends on a doubt.
    /// </summary>
    public ImmutableArray<RuleRef> Matched
    {
        get
        {
            var first = Outcomes[0].Matched;
            var length = first.Length;
            foreach (var o in Outcomes.Skip(1))
            {
                var common = 0;
                while (common < length && common < o.Matched.Length && o.Matched[common] == first[common]) common++;
                length = common;
            }

            return first[..length];
        }
    }

    /// <summary>The packet as it left, when every outcome agrees on it.</summary>
    public TraceOutcome? Single => Outcomes.Length == 1 ? Outcomes[0] : null;

    public ImmutableArray<Doubt> Doubts { get; } = Outcomes.SelectMany(o => o.Doubts)
        .DistinctBy(d => (d.Rule, d.Reason)).ToImmutableArray();
}
