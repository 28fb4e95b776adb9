using System.Collections.Immutable;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// The audit's inputs for one family, prepared once: the ruleset of that family and its nat table alone, the Docker view
/// (inferred from the rules when no Engine data was given), the bridge networks to probe, and the
/// host model the probes run against.
/// </summary>
public sealed class AuditInputs
{
    public AuditInputs(AuditContext context, IpFamily family = IpFamily.V4)
    {
        Context = context;
        Family = family;
        Ruleset = family == IpFamily.V4 ? context.V4 : context.V6;
        WithoutNat = Ruleset with { Tables = [.. Ruleset.Tables.Where(t => t.Name != "nat" || t.IsNative).Select(t => t.IsNative ? WithoutNatChains(t) : t)] };
        // The other iptables back end stays whole: its filter is the host's, like ip_forward, and what
        // it drops never leaves, NATed or not.
        NatOnly = Ruleset with
        {
            Tables = [.. Ruleset.Tables.Where(t => t.Name is "nat" or "raw" && !t.IsNative)
                .Concat(Ruleset.Tables.Where(t => t.IsNative).Select(t => t.OtherBackend is null ? NatChainsOnly(t) : t))],
        };
        ViewInferred = context.View.Inferred || (context.View.Networks.IsEmpty && context.View.Containers.IsEmpty);
        View = ViewInferred ? DockerViewInference.Infer(Ruleset) with { Swarm = context.View.Swarm } : context.View;
        Networks = [.. View.Networks.Select(n => AuditedNetwork.Of(n, family)).OfType<AuditedNetwork>()];
        var hostIps = View.Containers.SelectMany(c => c.Ports)
            .Select(p => p.HostIp is { } ip && IpAddressValue.TryParse(ip, family, out var a) && a != 0 ? a : (UInt128?)null)
            .OfType<UInt128>()
            // A policy's publish ... on ADDRESS names host addresses too: a port bound to every address is judged on them.
            .Concat(context.Policy?.Publishes.SelectMany(p => p.Addresses).Where(a => a.Family == family)
                .Select(a => Semantics.Symbolic.RuleCompiler.Intervals(a)).Where(i => i is not null && i.Cardinality == 1).Select(i => i!.Min) ?? []);
        HostModel = new HostModel(Networks, hostIps, family, context.Host.Forwarding(family) != false) { Routes = context.Routes, IpSets = context.IpSets };
    }

    public AuditContext Context { get; }

    public IpFamily Family { get; }

    public Ruleset Ruleset { get; }

    /// <summary>
    /// What decides a connection's NAT: iptables' nat table and nft's nat base chains, with iptables'
    /// raw, whose NOTRACK keeps a packet out of conntrack and so out of the nat table (oracle F61; its
    /// verdicts are not asked there: <see cref="SymbolicPasses.Nat"/>).
    /// </summary>
    public Ruleset NatOnly { get; }

    /// <summary>The ruleset with no NAT (iptables' nat table, native nat base chains unhooked): what the filter alone decides.</summary>
    public Ruleset WithoutNat { get; }

    private static Table WithoutNatChains(Table table) =>
        table with { Chains = [.. table.Chains.Select(c => c.Base is { Type: "nat" } ? c with { Base = null, Policy = null } : c)] };

    // An nft table mixes base chains of every type: only its nat ones stay hooked.
    private static Table NatChainsOnly(Table table) =>
        table with { Chains = [.. table.Chains.Select(c => c.Base is { Type: not "nat" } ? c with { Base = null, Policy = null } : c)] };

    public DockerView View { get; }

    public bool ViewInferred { get; }

    public ImmutableArray<AuditedNetwork> Networks { get; }

    public HostModel HostModel { get; }

    public HostSettings Host => Context.Host;

    private IntervalSet? _containerSubnets;

    /// <summary>Every network's subnet (asked once per network by the NAT facts: computed once).</summary>
    public IntervalSet ContainerSubnets => _containerSubnets ??=
        IntervalSet.FromRanges(Networks.Where(n => n.Subnet is not null).Select(n => n.Subnet!.Bounds));

    private readonly Dictionary<PacketSpace, IntervalSet> _bridgeSymbols = [];

    /// <summary>
    /// The networks' bridges as interface symbols of a space: asked for every network's NAT facts, so
    /// looked up once per space, not once per network.
    /// </summary>
    public IntervalSet BridgesIn(PacketSpace space)
    {
        if (!_bridgeSymbols.TryGetValue(space, out var set))
            _bridgeSymbols[space] = set = IntervalSet.FromValues(Networks.Select(n => (UInt128)space.Interfaces.SymbolOf(n.Bridge)));
        return set;
    }

    private Dictionary<string, AuditedNetwork>? _byBridge;

    /// <summary>The (first) network on a bridge: asked once per bridge by the checks, so indexed.</summary>
    public AuditedNetwork? NetworkOfBridge(string bridge)
    {
        if (_byBridge is null)
        {
            var byBridge = new Dictionary<string, AuditedNetwork>(StringComparer.Ordinal);
            foreach (var n in Networks) byBridge.TryAdd(n.Bridge, n);
            _byBridge = byBridge;
        }

        return _byBridge.GetValueOrDefault(bridge);
    }

    private Dictionary<string, List<int>>? _positionsOnBridge;

    /// <summary>
    /// The networks on any of the bridges, in the order of <see cref="Networks"/>: a source's row of
    /// the matrix asks only the bridges its walk opens, and going through every network for each
    /// source to find them is N² record comparisons over a host (a million on 1,000 bridges).
    /// </summary>
    public IEnumerable<AuditedNetwork> NetworksOn(IEnumerable<string> bridges)
    {
        if (_positionsOnBridge is null)
        {
            var positions = new Dictionary<string, List<int>>(StringComparer.Ordinal);
            for (var i = 0; i < Networks.Length; i++)
            {
                if (!positions.TryGetValue(Networks[i].Bridge, out var list)) positions[Networks[i].Bridge] = list = [];
                list.Add(i);
            }

            _positionsOnBridge = positions;
        }

        var found = new List<int>();
        foreach (var bridge in bridges)
            if (_positionsOnBridge.TryGetValue(bridge, out var list)) found.AddRange(list);
        found.Sort();
        return found.Select(i => Networks[i]);
    }

    private SubnetIndex? _bySubnet;

    /// <summary>The (first) network whose subnet holds an address, if any.</summary>
    public AuditedNetwork? NetworkOfAddress(UInt128 address) => (_bySubnet ??= new SubnetIndex(Networks)).Of(address);

    private Dictionary<string, AuditedNetwork>? _byName;

    /// <summary>The (first) network of that name, if it is audited in this family.</summary>
    public AuditedNetwork? NetworkNamed(string name)
    {
        if (_byName is null)
        {
            var byName = new Dictionary<string, AuditedNetwork>(StringComparer.Ordinal);
            foreach (var n in Networks) byName.TryAdd(n.Name, n);
            _byName = byName;
        }

        return _byName.GetValueOrDefault(name);
    }

    private Dictionary<UInt128, DockerContainer>? _byAddress;

    /// <summary>The (first) container with an endpoint at this address of the family.</summary>
    public DockerContainer? ContainerAt(UInt128 address)
    {
        if (_byAddress is null)
        {
            var byAddress = new Dictionary<UInt128, DockerContainer>();
            foreach (var c in View.Containers)
                foreach (var e in c.Endpoints)
                    if (e.Address(Family) is { } a) byAddress.TryAdd(a, c);
            _byAddress = byAddress;
        }

        return _byAddress.GetValueOrDefault(address);
    }
}
