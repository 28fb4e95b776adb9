using System.Collections.Immutable;
using DockerFw.Core.Host;
using DockerFw.Core.Model;

namespace DockerFw.Core.Remediation;

/// <summary>
/// The tables of a loaded host that a plan for iptables does not write (<see cref="Policy.ResolvedPolicy.Unwritten"/>):
/// per family, what <see cref="LoadedHost.RulesetOrEmpty"/> merges in after iptables-save's tables
/// (the native nft tables' part iptables-save does not show, the other back end's tables hooked beside).
/// Taken from the host as loaded, before the plan, so a chain the plan adds to iptables' own tables is
/// never read as a native one.
/// </summary>
public static class UnwrittenTables
{
    public static ImmutableArray<Ruleset> Of(LoadedHost loaded) =>
    [
        .. loaded.Families.Select(family =>
        {
            // Both merges (HostRuleset, OtherBackendTables) append to iptables' tables and keep them in order.
            var written = (loaded.IptablesOf(family) ?? Ruleset.Empty(family)).Tables.Length;
            return Ruleset.Empty(family) with { Tables = [.. loaded.RulesetOrEmpty(family).Tables.Skip(written)] };
        }).Where(r => !r.Tables.IsEmpty),
    ];
}
