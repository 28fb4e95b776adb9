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
    public ImmutableArray<MatchBlock> Blocks
    {
        get;
        init
        {
            field = value;
            savesAsIs = SavesAsIsOf(value);
        }
    } = Blocks;

    private readonly bool savesAsIs = SavesAsIsOf(Blocks);

    /// <summary>
    /// iptables-restore takes the rule as its blocks stand: each block has an iptables form, and the core options (if
    /// any) are one block, first, in save's order (<see cref="MatchBlock.CoreInSaveOrder"/>). True of every rule the
    /// iptables-save reader builds. Kept with the rule, as its blocks are made on the binding threads while they are in
    /// the cache: the writer asks it of every rule before it writes one, and asking the blocks then touched four to eight
    /// objects of a model no longer in the cache per rule.
    /// </summary>
    internal bool SavesAsIs => savesAsIs;

    private static bool SavesAsIsOf(ImmutableArray<MatchBlock> blocks)
    {
        if (blocks.IsDefault) return false;
        for (var i = 0; i < blocks.Length; i++)
            if (!blocks[i].HasIptablesForm || (blocks[i].IsCore && (i > 0 || !blocks[i].CoreInSaveOrder))) return false;
        return true;
    }

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
