using System.Collections.Immutable;

namespace DockerFw.Core.Model.Matches;

/// <summary>
/// The conditions one <c>-m MODULE</c> loaded, in order; <see cref="Module"/> is null for the core
/// options. Kept as blocks because the legacy back end keeps repeated <c>-m tcp</c> apart.
/// </summary>
/// <remarks>
/// A core block holds core options only and a module's block none, so a writer that prints the core
/// block's options and then each module's never drops a condition or moves it to another block.
/// </remarks>
public sealed record MatchBlock(string? Module, ImmutableArray<Match> Matches)
{
    /// <summary>
    /// The block of conditions only nft can express (a named or anonymous set of addresses, an
    /// expression kept verbatim). iptables has no such module: a rule with this block has no
    /// iptables-restore form.
    /// </summary>
    public const string NftOnly = "nft";

    // Get-only: a `with` could otherwise put a module's condition in the core block unchecked.
    public string? Module { get; } = Module;

    public ImmutableArray<Match> Matches { get; } = Checked(Module, Matches);

    public bool IsCore => Module is null;

    /// <summary>False for conditions only nft can express (<see cref="NftOnly"/>).</summary>
    public bool HasIptablesForm => Module != NftOnly;

    private static ImmutableArray<Match> Checked(string? module, ImmutableArray<Match> matches)
    {
        foreach (var match in matches)
        {
            if ((match is CoreMatch) == (module is null)) continue;
            throw new ArgumentException(module is null
                ? $"the core block holds core options (-s -d -i -o -p -f) only, not {match.GetType().Name} ({match.Option})"
                : $"core option {match.Option} belongs in the core block, not in the block of module '{module}'", nameof(matches));
        }

        return matches;
    }
}
