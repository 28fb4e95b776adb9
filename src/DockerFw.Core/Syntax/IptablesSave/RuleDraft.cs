using System.Collections.Immutable;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// A rule line that bound without errors, waiting for its table's COMMIT: only then are all chains
/// known, so <c>-A</c> and <c>-j</c>/<c>-g</c> references are checked there.
/// </summary>
internal sealed record RuleDraft(
    string Chain,
    SourceSpan ChainSpan,
    Counters? Counters,
    ImmutableArray<MatchBlock> Blocks,
    Target? Target,
    SourceSpan TargetSpan,
    SourceSpan Span,
    string SourceText)
{
    public Rule ToRule(int number) => new(Chain, number, Span, Counters, Blocks, Target) { SourceText = SourceText };
}
