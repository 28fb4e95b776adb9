using System.Collections.Immutable;
using DockerFw.Core.Docker;
using DockerFw.Core.Host;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.IpSets;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// What the docker-proxy questions need of a host, for the audit and the plan's proof alike: the
/// rules of each family (IPv6 null when no ip6tables rules were read), Docker's bridge networks, and
/// the listeners. Each family's rules are compiled once, with the audit's host model (every address
/// outside the container subnets may be the host's, the gateways are).
/// </summary>
public sealed class ProxyHost
{
    private readonly Dictionary<IpFamily, (SymbolicRuleset Rules, HostModel Model, ImmutableArray<AuditedNetwork> Networks)?> _compiled = [];
    private readonly Ruleset _v4;
    private readonly Ruleset? _v6;
    private readonly ImmutableArray<DockerNetwork> _networks;

    private readonly Semantics.Routing.RoutingTable? _routes;
    private readonly ImmutableDictionary<string, IpSetMembers> _ipSets;

    /// <param name="routes">The host's routes, for the reverse-path checks the proxies' ways cross; null when not read.</param>
    /// <param name="ipSets">The members of the host's ipsets, for the rules that match them; a rule on a set not given stays undecided.</param>
    public ProxyHost(Ruleset v4, Ruleset? v6, IEnumerable<DockerNetwork> networks, ProxyListeners proxies,
        Semantics.Routing.RoutingTable? routes = null, ImmutableDictionary<string, IpSetMembers>? ipSets = null)
    {
        _v4 = v4;
        _v6 = v6;
        _networks = [.. networks];
        Proxies = proxies;
        _routes = routes;
        _ipSets = ipSets ?? ImmutableDictionary<string, IpSetMembers>.Empty;
    }

    public ProxyListeners Proxies { get; }

    /// <summary>The host's routes; null when not read (the replies then leave by their connection's interface).</summary>
    public Semantics.Routing.RoutingTable? Routes => _routes;

    /// <summary>
    /// The interfaces a client from outside may arrive on, in a space compiled here: every one that is
    /// no Docker bridge (of either family) and not loopback (<see cref="OutsideInterfaces"/>, oracle F41).
    /// </summary>
    public IntervalSet OutsideIn(PacketSpace space) => OutsideInterfaces.Of(space, _networks.Select(n => n.Bridge).OfType<string>());

    /// <summary>A family's rules compiled for the proxy questions; null when that family's rules were not read.</summary>
    public (SymbolicRuleset Rules, HostModel Model, ImmutableArray<AuditedNetwork> Networks)? Of(IpFamily family)
    {
        if (_compiled.TryGetValue(family, out var cached)) return cached;
        var ruleset = family == IpFamily.V4 ? _v4 : _v6;
        if (ruleset is null) return _compiled[family] = null;
        ImmutableArray<AuditedNetwork> networks = [.. _networks.Select(n => AuditedNetwork.Of(n, family)).OfType<AuditedNetwork>()];
        var model = new HostModel(networks, [], family) { Routes = _routes, IpSets = _ipSets };
        var rules = SymbolicRuleset.Compile(ruleset,
            networks.Select(n => new InterfacePattern(n.Bridge)).Append(new InterfacePattern(HostModel.Uplink)), model.LocalAddresses,
            routes: _routes, ipSets: _ipSets);
        return _compiled[family] = (rules, model, networks);
    }
}
