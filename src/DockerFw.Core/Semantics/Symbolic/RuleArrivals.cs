namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// Which packets reach the rules of some chains, over every packet of the paths walked: whether a
/// rule matched any packet at its position (after the earlier rules of its chain and its callers
/// decided theirs, and after NAT), and which packets entered its chain satisfying it. One walk per
/// path records it all; a rule of a chain several hooks reach is judged over all of them.
/// </summary>
public sealed class RuleArrivals
{
    private readonly SymbolicRuleset _rules;
    private readonly Dictionary<PacketPath, RuleWatch> _watches;

    private RuleArrivals(SymbolicRuleset rules, Dictionary<PacketPath, RuleWatch> watches)
    {
        _rules = rules;
        _watches = watches;
    }

    /// <summary>
    /// Rules tried on flows, per path, before a walk gives up: a whole-space walk of a big
    /// router's rules (4,800 rules, TCP flags the engine walks both ways) took minutes.
    /// 400,000 tries are a few seconds; the corpus's Docker hosts need under a thousand.
    /// </summary>
    public const long DefaultBudget = 400_000;

    /// <summary>
    /// Walks every packet of each path, watching the chains named; null when it would cost more than
    /// <paramref name="budget"/> rule tries. With <paramref name="asked"/>, only those rules' arrivals
    /// are asked: packets are followed no further than they can lead to one (<see cref="WatchHorizon"/>).
    /// </summary>
    public static RuleArrivals? Walk(SymbolicRuleset rules, IReadOnlySet<(string Table, string Chain)> watched, IEnumerable<PacketPath> paths,
        long budget = DefaultBudget, Func<ResponsibleRule, bool>? asked = null)
    {
        try
        {
            return WalkAll(rules, watched, paths, budget, asked);
        }
        catch (RuleWatch.OverBudget)
        {
            return null;
        }
    }

    private static RuleArrivals WalkAll(SymbolicRuleset rules, IReadOnlySet<(string Table, string Chain)> watched, IEnumerable<PacketPath> paths, long budget,
        Func<ResponsibleRule, bool>? asked)
    {
        var watches = new Dictionary<PacketPath, RuleWatch>();
        var undecided = new List<(PacketPath, PacketSet)>();
        foreach (var path in paths.Distinct())
        {
            var watch = new RuleWatch(watched, budget);
            var walk = new SymbolicWalk(asked is null ? rules : WatchHorizon.Of(rules, path, asked), watch);
            walk.Run(path, rules.Space.Universe(path, anyMark: true).Boxes.Select(b => new Flow(b, FlowView.Identity, null, null)));
            // A flow the engine could not follow to its end (a target it does not model) may have
            // reached any rule: nothing is claimed unreached then.
            var maybe = walk.Finals.Where(f => f.Verdict == ReachVerdict.Maybe).Aggregate(PacketSet.Empty, (s, f) => s.Union(PacketSet.Of(f.Flow.Box)));
            if (!maybe.IsEmpty) undecided.Add((path, maybe));
            watches[path] = watch;
        }

        return new RuleArrivals(rules, watches) { Undecided = undecided };
    }

    /// <summary>Whether some packets ended where the engine cannot follow them (MAYBE).</summary>
    public bool SomeUndecided => Undecided.Count > 0;

    /// <summary>The packets (in arrival terms, by path) that ended where the engine cannot follow them (MAYBE).</summary>
    public IReadOnlyList<(PacketPath Path, PacketSet Packets)> Undecided { get; private init; } = [];

    /// <summary>Whether any packet entered the chain on a path walked.</summary>
    public bool Entered(string table, string chain) => _watches.Values.Any(w => w.Entries(table, chain).Count > 0);

    /// <summary>Whether the rule matched some packet at its position on a path walked.</summary>
    public bool Matched(ResponsibleRule rule) => _watches.Values.Any(w => w.Matched(rule));

    /// <summary>
    /// Whether the rule can be judged: it does something (a rule that only counts or logs is no
    /// finding whether it matches or not) and the dump decides its matches.
    /// </summary>
    public bool Decides(ResponsibleRule rule) =>
        _rules.RuleAt(rule) is { Doubt: null, Action.Kind: not (ActionKind.Continue or ActionKind.Undecided) };

    /// <summary>Whether the rule rewrites the destination (DNAT, REDIRECT).</summary>
    public bool Dnats(ResponsibleRule rule) => _rules.RuleAt(rule)?.Action.Kind == ActionKind.Dnat;

    /// <summary>The packets (in arrival terms, by path) that entered the rule's chain and satisfy the rule there.</summary>
    public IReadOnlyList<(PacketPath Path, PacketSet Packets)> Satisfying(ResponsibleRule rule) =>
        Collect(rule, (entry, compiled, hidden) => Inside(entry, compiled, hidden));

    /// <summary>
    /// The packets that enter the rule's chain DNATed and that the rule would match by the destination
    /// port they arrived with (and by their arrival address too, for addresses in
    /// <paramref name="hostAddresses"/>), but does not match as DNAT left them.
    /// </summary>
    public IReadOnlyList<(PacketPath Path, PacketSet Packets)> MissedByDnat(ResponsibleRule rule, IntervalSet? hostAddresses) =>
        Collect(rule, (entry, compiled, hidden) =>
        {
            if (entry.View.Dport is null && entry.View.Dst is null) return PacketSet.Empty;
            var now = Inside(entry, compiled, hidden);
            var byPort = Inside(entry with { View = entry.View with { Dport = null } }, compiled, hidden);
            if (hostAddresses is not null && entry.Box[Dimension.Dst].Intersect(hostAddresses) is { IsEmpty: false } host)
            {
                var original = entry with { Box = entry.Box.With(Dimension.Dst, host), View = entry.View with { Dst = null, Dport = null } };
                byPort = byPort.Union(Inside(original, compiled, hidden));
            }

            return byPort.Subtract(now);
        });

    private IReadOnlyList<(PacketPath, PacketSet)> Collect(ResponsibleRule rule, Func<Flow, CompiledRule, Dimension?, PacketSet> each)
    {
        var compiled = _rules.RuleAt(rule);
        if (compiled is null) return [];
        var result = new List<(PacketPath, PacketSet)>();
        foreach (var (path, watch) in _watches)
        {
            var set = PacketSet.Empty;
            foreach (var (flow, hidden) in watch.Entries(rule.Table, rule.Chain)) set = set.Union(each(flow, compiled, hidden));
            if (!set.IsEmpty) result.Add((path, set));
        }

        return result;
    }

    private PacketSet Inside(Flow flow, CompiledRule rule, Dimension? hidden)
    {
        var (matched, rest) = (new List<Flow>(), new List<Flow>());
        FlowSplitter.Split(flow, rule, matched, rest, false, hidden, _rules.Space.Interfaces.NoInterface);
        return matched.Aggregate(PacketSet.Empty, (s, f) => s.Union(PacketSet.Of(f.Box)));
    }
}
