using System.Collections.Immutable;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.IpSets;

/// <summary>
/// The host's ipsets as <c>ipset save</c> lists them: the members of every set whose match tests one
/// address (hash:ip, hash:net, bitmap:ip), resolved to the addresses the kernel finds in it, of the
/// sets of tuples whose types are read (hash:ip,port, hash:net,port, hash:ip,port,ip, hash:ip,port,net),
/// and of a list:set of such sets; and the names of the others, which stay unknown (their rules "may match").
/// </summary>
/// <param name="Members">By set name: exactly what the set matches (<c>nomatch</c> entries of addresses taken out, those of tuples kept in the order the kernel tries them); its key comparer is the listing's <see cref="IpSetGaps"/>.</param>
/// <param name="Unread">Sets listed but not resolved, with their type (hash:net,iface, hash:ip,mac, a list:set that holds one...).</param>
/// <param name="Timed">Sets whose entries expire (<c>timeout</c>): their members are those of the moment they were read.</param>
public sealed record IpSetListing(
    ImmutableDictionary<string, IpSetMembers> Members,
    ImmutableArray<(string Name, string Type)> Unread,
    ImmutableArray<string> Timed)
{
    public static IpSetListing Empty { get; } = new(ImmutableDictionary<string, IpSetMembers>.Empty, [], []);

    /// <summary>The sets each resolved list:set holds, by the list's name.</summary>
    public ImmutableDictionary<string, ImmutableArray<string>> Lists { get; init; } = ImmutableDictionary<string, ImmutableArray<string>>.Empty;

    /// <summary>
    /// The listing without the sets the rules themselves change (<c>-j SET --add-set/--del-set</c>):
    /// what such a set holds depends on the traffic before, not on the moment it was read; nor a list
    /// that holds such a set.
    /// </summary>
    public IpSetListing WithoutSetsChangedBy(IEnumerable<Model.Ruleset> rulesets)
    {
        var changed = ChangedBy(rulesets).ToHashSet(StringComparer.Ordinal);
        // Each with the set the rules change, so that a rule on it says why its members are not known.
        var gone = changed.Select(s => (Name: s, By: s))
            .Concat(Lists.Where(l => !changed.Contains(l.Key)).SelectMany(l => l.Value.Where(changed.Contains).Take(1).Select(by => (Name: l.Key, By: by))))
            .ToList();
        var gaps = (Members.KeyComparer as IpSetGaps ?? new IpSetGaps(Unread)).Changing(gone);
        return this with { Members = Members.WithComparers(gaps).RemoveRange(gone.Select(g => g.Name)) };
    }

    public static IEnumerable<string> ChangedBy(IEnumerable<Model.Ruleset> rulesets) =>
        from ruleset in rulesets
        from table in ruleset.Tables
        from chain in table.Chains
        from rule in chain.Rules
        let target = rule.Target as Model.Targets.ExtensionTarget
        where target is { ExtensionName: "SET" }
        from option in target.Options
        where option.Name is "--add-set" or "--del-set" && option.Arguments.Length > 0
        select option.Arguments[0];
}
