using System.Collections.Immutable;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// What the rules effectively do to a setting, proven over every packet it is about: on (every
/// packet), off (none), partial (the flows listed), or unknown (null verdict: the engine cannot
/// tell), with the rules that decide it.
/// </summary>
public sealed record Effect(ReachabilityVerdict? Verdict, ImmutableArray<AllowedFlow> Flows, ImmutableArray<Evidence> Evidence)
{
    public static Effect Unknown { get; } = new(null, [], []);

    public static Effect On(ImmutableArray<Evidence> evidence) => new(ReachabilityVerdict.Allowed, [], evidence);

    public static Effect Off(ImmutableArray<Evidence> evidence) => new(ReachabilityVerdict.Denied, [], evidence);

    /// <summary>True when on for every packet, false when for none, null when partial or unknown.</summary>
    public bool? Whole => Verdict switch
    {
        ReachabilityVerdict.Allowed => true,
        ReachabilityVerdict.Denied => false,
        _ => null,
    };

    public bool Partial => Verdict == ReachabilityVerdict.Partial;

    /// <summary>The setting as the report shows it: declared, and effective with the flows when partial.</summary>
    public Setting ToSetting(bool? declared) => new(declared, Whole) { PartialFlows = Partial ? Flows : null };
}
