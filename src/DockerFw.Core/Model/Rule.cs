using System.Collections.Immutable;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Core.Model;

/// <summary>
/// One <c>-A CHAIN ...</c> line: its 1-based position in the chain, where it was read, its counters
/// (when the dump had them), its match blocks in order, and its target (null: the rule only counts).
/// </summary>
public sealed record Rule(
    string Chain,
    int Number,
    SourceSpan Span,
    Counters? Counters,
    ImmutableArray<MatchBlock> Blocks,
    Target? Target)
{
    /// <summary>All conditions of the rule, core first, in the order they are tested.</summary>
    public IEnumerable<Match> Matches => Blocks.SelectMany(b => b.Matches);

    private readonly string? sourceText;

    /// <summary>The rule as written by the reader's input, when it came from text.</summary>
    public string? SourceText
    {
        get => sourceText ?? (SourceLine.IsEmpty ? null : SourceLine.ToString());
        init => sourceText = value;
    }

    /// <summary>
    /// Where in the reader's input the rule is written: the text is cut from the dump only when
    /// <see cref="SourceText"/> is asked for (a 100,000-rule dump's lines are 30 MB of strings).
    /// </summary>
    internal ReadOnlyMemory<char> SourceLine { get; init; }

    /// <summary>
    /// nft's handle of the rule this one was read from. Rules desugared from one nft rule (one per
    /// element of a verdict map) share it, which leads evidence back to the rule as written.
    /// </summary>
    public long? Handle { get; init; }
}
