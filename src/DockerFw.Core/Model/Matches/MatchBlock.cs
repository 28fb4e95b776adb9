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

    /// <summary>
    /// A core block whose options come in the order iptables-save prints them (<c>-s -d -i -o -p -f</c>), each
    /// once, as the reader builds every core block. Known when the block is made, while its matches are at hand:
    /// the writer asks it of every rule it writes, and asking the matches then was a pass over a model that had
    /// left the cache (fmt of 100,000 IPv6 rules: 6% of the main thread, docs/performance.md).
    /// </summary>
    internal bool CoreInSaveOrder { get; } = InSaveOrder(Module, Matches);

    private static bool InSaveOrder(string? module, ImmutableArray<Match> matches)
    {
        if (module is not null) return false;
        var last = -1;
        foreach (var match in matches)
        {
            var rank = match switch
            {
                AddressMatch { Field: AddressField.Source } => 0,
                AddressMatch => 1,
                InterfaceMatch { Direction: Direction.In } => 2,
                InterfaceMatch => 3,
                ProtocolMatch => 4,
                FragmentMatch => 5,
                _ => -1,
            };
            if (rank <= last) return false;
            last = rank;
        }

        return true;
    }

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
