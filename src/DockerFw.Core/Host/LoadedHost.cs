using System.Collections.Immutable;
using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Routing;
using DockerFw.Core.Syntax.NftJson;
using DockerFw.Core.Text;

namespace DockerFw.Core.Host;

/// <summary>
/// One host as every command sees it, loaded once by one set of rules: the iptables rulesets of each
/// family as iptables-save shows them, the native nft tables, Docker's view completed one way
/// (<see cref="DockerOrigin"/>), the host's addresses, kernel settings, what was read, and every
/// diagnostic and notice. Usable only when <see cref="Succeeded"/>.
/// </summary>
/// <param name="Iptables">One ruleset per family read (an iptables-save or ip6tables-save dump), without native tables.</param>
/// <param name="Native">The native tables of <c>nft -j list ruleset</c>; null when no listing was read.</param>
/// <param name="Docker">Docker's view: the Engine's, the <c>--docker</c> files', or inferred from the IPv4 rules.</param>
public sealed record LoadedHost(
    ImmutableArray<Ruleset> Iptables,
    Ruleset? Native,
    DockerView Docker,
    DockerViewOrigin DockerOrigin,
    HostSettings Settings,
    ImmutableArray<Diagnostic> Diagnostics,
    ImmutableArray<string> Notices)
{
    /// <summary>A host of which nothing could be read (the diagnostics say why).</summary>
    public static LoadedHost Failed(ImmutableArray<Diagnostic> diagnostics, ImmutableArray<string> notices) =>
        new([], null, DockerView.Empty, DockerViewOrigin.Rules, HostSettings.Unknown, diagnostics, notices);

    public bool Succeeded => !Diagnostics.Any(d => d.IsError);

    /// <summary>
    /// Every address of the host by interface, as live mode read it (<c>ip -j addr</c>); null offline,
    /// where the engines keep the conditions on local addresses uncertain.
    /// </summary>
    public ImmutableArray<InterfaceAddress>? Addresses { get; init; }

    /// <summary>
    /// The host's routes: read live (<c>ip -j route show table all</c>, both families) or from
    /// <c>--routes</c>, complete then; else the connected routes of Docker's bridges, incomplete.
    /// </summary>
    public RoutingTable Routes { get; init; } = RoutingTable.Unknown;

    /// <summary>
    /// The host's ipsets (<c>ipset save</c>, read live or from <c>--ipsets</c>), without those the rules
    /// change themselves; empty when none were read, where every <c>-m set</c> "may match".
    /// </summary>
    public Semantics.IpSets.IpSetListing IpSets { get; init; } = Semantics.IpSets.IpSetListing.Empty;

    /// <summary>
    /// Rules of the other iptables back end (iptables-legacy beside iptables-nft, or the reverse), when
    /// both hold tables: the kernel runs both for every packet.
    /// </summary>
    public ImmutableArray<Ruleset> OtherBackends { get; init; } = [];

    /// <summary>
    /// True when Docker's view named containers but no networks and the networks were inferred from
    /// the rules (the notice says so); <see cref="DockerOrigin"/> still names where the containers came from.
    /// </summary>
    public bool NetworksInferred { get; init; }

    /// <summary>
    /// What an answer that uses Docker's view rests on that only the rules suggest: that the whole view
    /// was inferred (<see cref="Auditor.ViewInferredNotice"/>), then the inference's own
    /// doubts (<see cref="DockerView.InferenceDoubts"/>: an interface read as outside with too few of
    /// Docker's rules, a bridge that is also a way out). The audit says them among its notices; plan,
    /// apply and reach by name say them too, from this one loaded view. Empty when Docker said it all.
    /// </summary>
    public ImmutableArray<string> ViewDoubts =>
        [.. DockerOrigin == DockerViewOrigin.Rules ? [Auditor.ViewInferredNotice] : Array.Empty<string>(), .. Docker.InferenceDoubts];

    /// <summary>
    /// The docker-proxy listeners: read live or from <c>--proxies</c>, else assumed from Docker's view
    /// (one per binding, as Docker's default runs them), else unknown (a notice says which).
    /// </summary>
    public ProxyListeners Proxies { get; init; } = ProxyListeners.Unknown;

    /// <summary>
    /// flannel's subnet.env (its pool, this host's lease, the MTU), read live, from a bundle or from
    /// <c>--flannel-env</c>; null without one: the fabric check and fleet infer flannel from its rules.
    /// </summary>
    public Audit.Fabric.FlannelConfig? Flannel { get; init; }

    /// <summary>What live mode read, in order (<c>iptables-save@lab</c>, <c>docker-engine unix:///run/docker.sock</c>); empty offline.</summary>
    public ImmutableArray<string> LiveSources { get; init; } = [];

    /// <summary>The host live mode read (<c>machine</c> or <c>machine/netns/NAME</c>; a bundle's capturing host); null offline.</summary>
    public string? HostName { get; init; }

    /// <summary>Where each iptables ruleset's lines can be looked up (dump files, a bundle's files); empty for stdin and the live host.</summary>
    public ImmutableArray<DumpOrigin> DumpOrigins { get; init; } = [];

    /// <summary>The families of which rules were read: a dump of that family (of either back end), or an nft listing (which may hold both).</summary>
    public IEnumerable<IpFamily> Families =>
        Iptables.Concat(OtherBackends).Select(r => r.Family).Concat(Native is null ? [] : [IpFamily.V4, IpFamily.V6]).Distinct().Order();

    /// <summary>The iptables ruleset of a family as iptables-save shows it; null when none was read.</summary>
    public Ruleset? IptablesOf(IpFamily family) => Iptables.FirstOrDefault(r => r.Family == family);

    /// <summary>
    /// A family's rules as the kernel runs them: the iptables ruleset with the native nft tables and
    /// the other back end's tables merged in (<see cref="OtherBackendTables"/>); null when no rules of
    /// that family were read. Every fact (audit, trace, reach) is judged on this one ruleset.
    /// </summary>
    public Ruleset? Of(IpFamily family) => Families.Contains(family) ? RulesetOrEmpty(family) : null;

    /// <summary>Like <see cref="Of"/>, with an empty ruleset for a family of which nothing was read.</summary>
    public Ruleset RulesetOrEmpty(IpFamily family)
    {
        var iptables = IptablesOf(family) ?? Ruleset.Empty(family);
        var merged = Native is null ? iptables : HostRuleset.Merge(iptables, Native);
        return OtherBackends.Where(r => r.Family == family).Aggregate(merged, OtherBackendTables.Merge);
    }
}
