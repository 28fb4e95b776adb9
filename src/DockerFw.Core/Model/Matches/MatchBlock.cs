using System.Collections.Immutable;

namespace DockerFw.Core.Model.Matches;

/// <summary>
/// The conditions one <c>-m MODULE</c> loaded, in order; <see cref="Module"/> is null for the core
/// options. Kept as blocks because the legacy back end keeps repeated <c>-m tcp</c> apart.
/// </summary>
public sealed record MatchBlock(string? Module, ImmutableArray<Match> Matches)
{
    public bool IsCore => Module is null;
}
