using System.Collections.Frozen;
using System.Collections.Immutable;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.IpSets;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// A ruleset compiled once for many symbolic walks: its packet space (the interface alphabet of every
/// name the rules and the caller mention) and every chain of every table, indexed by name.
/// </summary>
public sealed class SymbolicRuleset
{
    private readonly FrozenDictionary<(string Table, string Chain), CompiledChain> _chains;

    private SymbolicRuleset(Ruleset source, PacketSpace space, FrozenDictionary<(string, string), CompiledChain> chains, ReachDetail detail)
    {
        Detail = detail;
        Source = source;
        Space = space;
        _chains = chains;
        // A chain compiled for two contexts (CompileNative) holds each rule twice: one doubt per rule.
        Doubts = chains.Values.SelectMany(c => c.Rules)
            .Where(r => r.Doubt is not null || r.Action.Kind == ActionKind.Undecided)
            .DistinctBy(r => r.Ref)
            .ToFrozenDictionary(r => r.Ref, r => (r.Doubt ?? r.Action.Reason)!);
    }

    public Ruleset Source { get; }

    /// <summary>
    /// Null when the host routes (or it is not known that it does not). Else the host forwards nothing
    /// (<c>net.ipv4.ip_forward=0</c>) and these are the bridges that still switch: on the forward path
    /// a packet survives the routing decision after PREROUTING only when it leaves by the bridge it came
    /// in on; every other one is dropped there, after PREROUTING's rules (its DNAT) have run.
    /// </summary>
    public IntervalSet? SwitchedOnly { get; private init; }

    /// <summary>
    /// The same rules on a host that forwards nothing, where only <paramref name="bridges"/> switch
    /// (<see cref="SwitchedOnly"/>).
    /// </summary>
    public SymbolicRuleset WithoutForwarding(IEnumerable<string> bridges) => new(Source, Space, _chains, Detail)
    {
        NativeBaseChains = NativeBaseChains,
        SwitchedOnly = IntervalSet.FromValues(bridges.Select(b => (UInt128)Space.Interfaces.SymbolOf(b))),
    };

    /// <summary>
    /// These compiled rules with only the tables <paramref name="keep"/> holds (by name; nft tables by
    /// <c>"family name"</c>): the same space, local addresses and forwarding, so what those tables alone
    /// would do without compiling them again (the audit asks the nat table alone and every table but nat).
    /// </summary>
    public SymbolicRuleset WithTables(Func<string, bool> keep) => new(Source, Space, _chains.Where(c => keep(c.Key.Table)).ToFrozenDictionary(), Detail)
    {
        NativeBaseChains = [.. NativeBaseChains.Where(c => keep(c.Table))],
        SwitchedOnly = SwitchedOnly,
    };

    /// <summary>
    /// These rules with <paramref name="table"/>'s drops and rejects passed over (and its chains' DROP
    /// policies read as ACCEPT): what that table's state changes (NOTRACK) do to the packets whatever
    /// its verdicts, for a question about another table (the audit's NAT passes walk raw before nat: a
    /// packet raw untracks is never NATed, oracle F61; what raw drops is the filter's say there). A drop
    /// passed over, not made an ACCEPT, cuts no region: the NAT passes' answers stay in the same pieces.
    /// </summary>
    public SymbolicRuleset WithVerdictsIgnored(string table) => !_chains.Keys.Any(k => k.Table == table) ? this : new(Source, Space,
        _chains.ToFrozenDictionary(c => c.Key, c => c.Key.Table == table ? Accepting(c.Value) : c.Value), Detail)
    {
        NativeBaseChains = NativeBaseChains,
        SwitchedOnly = SwitchedOnly,
    };

    private static readonly TargetAction PassedOver = new(ActionKind.Continue);

    private CompiledChain Accepting(CompiledChain chain) => new(chain.Table, chain.Name, chain.Policy is null ? null : Model.Targets.Verdict.Accept,
        [.. chain.Rules.Select(r => r.Action.Kind is ActionKind.Drop or ActionKind.Reject ? r with { Action = PassedOver } : r)], Space.Interfaces.Count);

    /// <summary>
    /// The same rules with <paramref name="chain"/> ended after its rule at index <paramref name="last"/>
    /// (0-based; -1 keeps none) by a DROP policy, for a walk that needs nothing past there
    /// (<see cref="WatchHorizon"/>): its packets end at once instead of being split by the rest.
    /// </summary>
    internal SymbolicRuleset EndedAfter(string table, string chain, int last) => new(Source, Space,
        _chains.ToFrozenDictionary(c => c.Key, c => c.Key == (table, chain)
            ? new CompiledChain(c.Value.Table, c.Value.Name, Model.Targets.Verdict.Drop, c.Value.Rules[..(last + 1)], Space.Interfaces.Count)
            : c.Value), Detail)
    {
        NativeBaseChains = NativeBaseChains,
        SwitchedOnly = SwitchedOnly,
    };

    /// <summary>
    /// The same rules for walks that record verdicts only: each chain's runs merged as a compile with
    /// <see cref="ReachDetail.Verdicts"/> merges them, without compiling the rules again.
    /// </summary>
    public SymbolicRuleset ForVerdicts() => Detail == ReachDetail.Verdicts ? this : new(Source, Space,
        _chains.ToFrozenDictionary(c => c.Key, c => new CompiledChain(c.Value.Table, c.Value.Name, c.Value.Policy, RuleRuns.Merge(c.Value.Rules), Space.Interfaces.Count)),
        ReachDetail.Verdicts)
    {
        NativeBaseChains = NativeBaseChains,
        SwitchedOnly = SwitchedOnly,
    };

    public PacketSpace Space { get; }

    public ReachDetail Detail { get; }

    /// <summary>
    /// Compiles <paramref name="ruleset"/>. <paramref name="interfaces"/> are names or <c>+</c> patterns
    /// a query will use beyond those in the rules; what <paramref name="context"/> knows (the host's
    /// addresses, ipset members) makes <c>-m addrtype LOCAL</c> and <c>-m set</c> exact.
    /// </summary>
    /// <remarks>
    /// With <paramref name="detail"/> <see cref="ReachDetail.Verdicts"/> the regions carry no rules, and
    /// runs of neighbouring rules that differ in one dimension only (Docker's per-bridge
    /// <c>-o br-X -j DROP</c>) are merged into one, which makes matrices over many bridges cheap.
    /// </remarks>
    public static SymbolicRuleset Compile(
        Ruleset ruleset, IEnumerable<InterfacePattern>? interfaces = null, EvaluationContext? context = null,
        ReachDetail detail = ReachDetail.Rules) =>
        Compile(ruleset, interfaces, HostKnowledge.From(context ?? EvaluationContext.Unknown, ruleset.Family), detail);

    /// <summary>
    /// As above, with the host's addresses (loopback included) given directly as a set of the address
    /// dimension; null when unknown. <paramref name="connected"/>: the addresses whose connected
    /// routes the host has (the reverse-path check's knowledge), when known; <paramref name="routes"/>:
    /// the host's routes, when read whole, which answer for the interfaces they name; <paramref name="ipSets"/>:
    /// the members of the host's ipsets, when read.
    /// </summary>
    public static SymbolicRuleset Compile(
        Ruleset ruleset, IEnumerable<InterfacePattern>? interfaces, IntervalSet? localAddresses, ReachDetail detail = ReachDetail.Rules,
        IEnumerable<InterfaceAddress>? connected = null, Routing.RoutingTable? routes = null,
        ImmutableDictionary<string, IpSetMembers>? ipSets = null) =>
        Compile(ruleset, interfaces, HostKnowledge.Of(localAddresses, connected, ruleset.Family, routes, ipSets), detail);

    private static SymbolicRuleset Compile(Ruleset ruleset, IEnumerable<InterfacePattern>? interfaces, HostKnowledge knowledge, ReachDetail detail)
    {
        var patterns = ruleset.Rules.SelectMany(r => r.Matches).OfType<InterfaceMatch>().Select(m => m.Value)
            .Concat(ruleset.Rules.SelectMany(r => r.Matches).OfType<InterfaceSetMatch>().SelectMany(m => m.Members))
            .Concat(ruleset.Rules.SelectMany(r => r.Matches).OfType<TupleSetMatch>().SelectMany(m => m.Set.Interfaces))
            .Concat(interfaces ?? []);
        var space = new PacketSpace(ruleset.Family, InterfaceAlphabet.Of(patterns, knowledge.AddressedInterfaces ?? []));
        var chains = new Dictionary<(string, string), CompiledChain>();
        var native = new List<NativeBaseChain>();
        foreach (var table in ruleset.Tables)
        {
            if (table.IsNative)
            {
                CompileNative(table, ruleset.Family, space, knowledge, detail, chains, native);
                continue;
            }

            // A repeated table block replaces the earlier one, as restore does.
            if (!ReferenceEquals(ruleset[table.Name], table)) continue;
            foreach (var chain in table.Chains)
            {
                var rules = chain.Rules.Select(r => RuleCompiler.Compile(table.Name, r, space, knowledge)).ToArray();
                if (detail == ReachDetail.Verdicts) rules = RuleRuns.Merge(rules);
                chains[(table.Name, chain.Name)] = new CompiledChain(table.Name, chain.Name, chain.Policy, rules, space.Interfaces.Count);
            }
        }

        return new SymbolicRuleset(ruleset, space, chains.ToFrozenDictionary(), detail) { NativeBaseChains = [.. native] };
    }

    /// <summary>nft base chains of the ruleset's family, keyed by <c>"family table"</c> (nft tables may share iptables' names).</summary>
    internal ImmutableArray<NativeBaseChain> NativeBaseChains { get; private init; } = [];

    private static void CompileNative(Table table, IpFamily family, PacketSpace space, HostKnowledge knowledge, ReachDetail detail,
        Dictionary<(string, string), CompiledChain> chains, List<NativeBaseChain> native)
    {
        var seen = table.Family switch { "inet" => true, "ip" => family == IpFamily.V4, "ip6" => family == IpFamily.V6, _ => false };
        if (!seen) return;
        var key = table.QualifiedName;
        var nat = NatChains(table);
        var (early, late) = BeforeConntrackChains(table);
        foreach (var chain in table.Chains)
        {
            // A chain reached both before conntrack and after is compiled for each: its ct state reads
            // differently there, and the chains before conntrack jump to its early copy.
            var beforeConntrack = early.Contains(chain.Name) && !late.Contains(chain.Name);
            chains[(key, chain.Name)] = Chain(beforeConntrack);
            if (early.Contains(chain.Name) && late.Contains(chain.Name)) chains[(key, EarlyCopy(chain.Name))] = Chain(beforeConntrack: true);
            if (chain.Base is { } hooked) native.Add(new NativeBaseChain(key, chain.Name, hooked));

            CompiledChain Chain(bool beforeConntrack)
            {
                var rules = chain.Rules.Select(r => RuleCompiler.Compile(key, r, space, knowledge, nat.Contains(chain.Name), beforeConntrack))
                    .Select(r => beforeConntrack && r.Action is { Kind: ActionKind.Jump or ActionKind.Goto, Chain: { } to } && late.Contains(to) && early.Contains(to)
                        ? r with { Action = r.Action with { Chain = EarlyCopy(to) } }
                        : r)
                    .ToArray();
                if (detail == ReachDetail.Verdicts) rules = RuleRuns.Merge(rules);
                return new CompiledChain(key, chain.Name, chain.Policy, rules, space.Interfaces.Count);
            }
        }
    }

    /// <summary>The key of a chain's copy compiled for before conntrack; no chain name holds a NUL.</summary>
    private static string EarlyCopy(string chain) => chain + "\0before-conntrack";

    /// <summary>
    /// The chains that run before conntrack: base chains on prerouting or output below its priority
    /// (-200, nft's <c>raw</c> is -300) and the chains they reach; and those every other base chain
    /// reaches. A packet before conntrack has no entry yet and its <c>ct state</c> reads invalid
    /// (untracked after notrack), as in iptables' raw table: an <c>established</c> drop there meets
    /// nothing. A chain in both sets is compiled once for each.
    /// </summary>
    private static (HashSet<string> Early, HashSet<string> Late) BeforeConntrackChains(Table table)
    {
        static bool Early(Model.BaseChain b) => b.Hook is "prerouting" or "output" && b.Priority < -200;
        var early = Reached(table, table.Chains.Where(c => c.Base is { } b && Early(b)).Select(c => c.Name));
        if (early.Count == 0) return (early, []);
        return (early, Reached(table, table.Chains.Where(c => c.Base is { } b && !Early(b)).Select(c => c.Name)));
    }

    private static HashSet<string> Reached(Table table, IEnumerable<string> from)
    {
        var reached = from.ToHashSet();
        var work = new Stack<string>(reached);
        while (work.TryPop(out var name))
            foreach (var jump in table[name]?.Rules.Select(r => r.Target).OfType<Model.Targets.JumpTarget>() ?? [])
                if (reached.Add(jump.Chain)) work.Push(jump.Chain);
        return reached;
    }

    // The chains a nat base chain reaches by jumps and gotos: NAT statements act there.
    private static HashSet<string> NatChains(Table table)
    {
        var nat = table.Chains.Where(c => c.Base?.Type == "nat").Select(c => c.Name).ToHashSet();
        var work = new Stack<string>(nat);
        while (work.TryPop(out var name))
            foreach (var jump in table[name]?.Rules.Select(r => r.Target).OfType<Model.Targets.JumpTarget>() ?? [])
                if (nat.Add(jump.Chain)) work.Push(jump.Chain);
        return nat;
    }

    internal CompiledChain? Chain(string table, string chain) => _chains.GetValueOrDefault((table, chain));

    /// <summary>
    /// The compiled rule a responsible rule names, or null. Numbers count the chain's rules as written,
    /// so this answers for a compile that keeps every rule (<see cref="ReachDetail.Rules"/>); a verdicts
    /// compile merges runs and its walks name no rules.
    /// </summary>
    internal CompiledRule? RuleAt(ResponsibleRule rule) => Chain(rule.Table, rule.Chain)?.Rules.ElementAtOrDefault(rule.Number - 1);

    /// <summary>Why each rule that cannot be decided from the dump may or may not match.</summary>
    public IReadOnlyDictionary<ResponsibleRule, string> Doubts { get; }
}

/// <summary>How much a walk records: the rules behind every region, or only the verdicts.</summary>
public enum ReachDetail
{
    Rules,
    Verdicts,
}
