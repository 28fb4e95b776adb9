using System.Collections.Immutable;

namespace DockerFw.Core.Semantics.IpSets;

/// <summary>
/// Why the members of a set a rule names are not known, for a listing that was given (<c>ipset save</c>,
/// live or <c>--ipsets</c>): listed of a type whose members are not read, changed by the rules
/// themselves (<c>-j SET</c>), or not listed at all. It is the key comparer of the members dictionary
/// (ordinal, as set names always were compared): that dictionary is the one object that travels from
/// the listing to every place a rule is compiled (EvaluationContext, HostKnowledge, AuditInputs,
/// HostModel, SymbolicRuleset.Compile), so the reason rides beside the members with no parameter of
/// its own through each. A members dictionary without it comes from no listing.
/// </summary>
public sealed class IpSetGaps : IEqualityComparer<string>
{
    /// <summary>The doubt's reason when no listing was given.</summary>
    public const string NoListing = "give the host's ipsets with --ipsets (ipset save)";

    private readonly ImmutableDictionary<string, string> unread;
    private readonly ImmutableDictionary<string, string> changed;

    /// <param name="unread">Sets listed but not resolved, with their type.</param>
    public IpSetGaps(IEnumerable<(string Name, string Type)> unread)
        : this(unread.ToImmutableDictionary(u => u.Name, u => u.Type, StringComparer.Ordinal), ImmutableDictionary<string, string>.Empty)
    {
    }

    private IpSetGaps(ImmutableDictionary<string, string> unread, ImmutableDictionary<string, string> changed)
    {
        this.unread = unread;
        this.changed = changed;
    }

    /// <summary>These gaps and the sets the rules change, each with the set the rules change (itself, or one a list holds).</summary>
    public IpSetGaps Changing(IEnumerable<(string Name, string By)> sets) =>
        new(unread, changed.SetItems(sets.Select(s => KeyValuePair.Create(s.Name, s.By))));

    /// <summary>Why the members of <paramref name="set"/> are not known, given the comparer of the members dictionary the rules were compiled with.</summary>
    public static string Why(string set, IEqualityComparer<string> comparer) => comparer is IpSetGaps gaps ? gaps.Why(set) : NoListing;

    private string Why(string set) =>
        changed.TryGetValue(set, out var by) ? by == set ? $"the rules add to or delete from {set}" : $"the rules add to or delete from {by}, which the list {set} holds"
        : unread.TryGetValue(set, out var type) ? $"the set {set} is of type {type}, whose members are not read"
        : $"the set {set} is not in the ipsets given";

    public bool Equals(string? x, string? y) => string.Equals(x, y, StringComparison.Ordinal);

    public int GetHashCode(string obj) => StringComparer.Ordinal.GetHashCode(obj);
}
