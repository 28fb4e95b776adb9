using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;

namespace DockerFw.Core.Semantics.IpSets;

/// <summary>
/// The options of <c>-m set</c> beside <c>--match-set</c> that both engines read: <c>--return-nomatch</c>
/// (ip_set_test turns a nomatch element's answer round, on the types with nets) and the counter updates
/// (<c>--update-counters</c>, <c>--update-subcounters</c>, or their <c>!</c> forms), which change no
/// answer. The counter comparisons (<c>--packets-gt</c>...) depend on earlier traffic and stay undecided.
/// </summary>
internal static class SetMatchOptions
{
    public static bool Read(Match match) =>
        match is ModuleOptionMatch { Module: "set", Name: "--update-counters" or "--update-subcounters" or "--return-nomatch" };

    /// <summary>The set matches of the rule whose <c>-m set</c> block says <c>--return-nomatch</c>.</summary>
    public static HashSet<SetMatch> ReturningNoMatch(Rule rule) =>
        [.. rule.Blocks.Where(ReturnsNoMatch).SelectMany(b => b.Matches.OfType<SetMatch>())];

    public static bool ReturnsNoMatch(MatchBlock block) =>
        block.Matches.Any(m => m is ModuleOptionMatch { Module: "set", Name: "--return-nomatch" });

    /// <summary>Why a set of single addresses stays undecided under <c>--return-nomatch</c>: its listing keeps the addresses it matches, not its nomatch elements.</summary>
    public const string NoMatchOfAddresses = "--return-nomatch on a set of single addresses: its nomatch elements are not kept";
}
