using System.Collections.Immutable;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// One table block being read, <c>*name</c> to <c>COMMIT</c>: its chain lines and its bound rules.
/// At COMMIT the references are checked and the immutable <see cref="Table"/> is built.
/// </summary>
internal sealed class TableBuilder(string name, SourceSpan span)
{
    /// <summary>
    /// A chain of the block: its line once declared (<see cref="Line"/>), and its rules so far. One
    /// object and one dictionary entry per chain: kube-proxy declares tens of thousands of chains.
    /// </summary>
    private sealed class ChainState
    {
        public ChainLine? Line { get; set; }

        /// <summary>Null until the chain's first rule.</summary>
        public ImmutableArray<Rule>.Builder? Rules { get; set; }

        /// <summary>The rule lines of the chain the first pass has seen (<see cref="CountRuleLine"/>).</summary>
        public int RuleLines { get; set; }
    }

    private sealed record ChainLine(Verdict? Policy, Counters Counters, SourceSpan Span);

    private readonly Dictionary<string, ChainState> chains = NewChains(name);
    private readonly List<string> order = [];

    private readonly ImmutableArray<string> builtIns = Model.Table.BuiltInChainsOf(name);

    // The built-in chains have their state from the start, so adding rules never adds to the dictionary.
    private static Dictionary<string, ChainState> NewChains(string table)
    {
        var chains = new Dictionary<string, ChainState>(StringComparer.Ordinal);
        foreach (var builtIn in Model.Table.BuiltInChainsOf(table)) chains[builtIn] = new ChainState();
        return chains;
    }
    private readonly JumpLoops jumps = new();
    private string? lastChain;
    private ImmutableArray<Rule>.Builder? lastRules;

    public string Name { get; } = name;

    public SourceSpan Span { get; } = span;

    /// <summary>
    /// Policy lines without readable counters: the error if the dump is one restored with --counters,
    /// else the warning (null: none) for counters that are there but unreadable.
    /// </summary>
    public List<(Diagnostic Error, Diagnostic? Warning)> CountersProblems { get; } = [];

    public bool IsBuiltIn(string chain) => builtIns.Contains(chain);

    /// <summary>
    /// A chain line, <c>:NAME POLICY [p:b]</c>, read as iptables-restore (legacy, with --counters)
    /// reads it: the fields are split on blanks by strtok and fields after the counters are ignored;
    /// the counters are read only for a policy, so <c>:USER -</c> needs none; a built-in chain may be
    /// declared again (its policy set again), a user chain may not (the chain exists).
    /// </summary>
    public void DeclareChain(string line, SourceSpan at, List<Diagnostic> diagnostics)
    {
        var fields = Fields(line);
        if (fields.Count < 2)
        {
            diagnostics.Add(Messages.BadChainLine(at, line));
            return;
        }

        var (chainName, nameColumn) = fields[0];
        var (policyText, policyColumn) = fields[1];
        if (ChainNameProblem(chainName) is { } why)
        {
            diagnostics.Add(Messages.BadChainName(at.AtColumn(nameColumn), chainName, why));
            return;
        }

        var builtIn = IsBuiltIn(chainName);
        Verdict? policy = null;
        if (builtIn)
        {
            if (policyText is "ACCEPT" or "-") policy = Verdict.Accept;
            else if (policyText == "DROP") policy = Verdict.Drop;
            else
            {
                diagnostics.Add(Messages.BadPolicy(at.AtColumn(policyColumn), chainName, policyText));
                return;
            }
        }
        else if (policyText != "-")
        {
            diagnostics.Add(Messages.PolicyOnUserChain(at.AtColumn(policyColumn), chainName, policyText));
            return;
        }

        // Without --counters restore never reads this field; with it, a policy needs readable counters.
        // Which of the two loads the dump is known only at its end (whether any rule carries counters).
        var counters = Counters.Zero;
        if (policyText != "-" && (fields.Count < 3 || !RuleCounters.TryParsePolicy(fields[2].Text, out counters)))
            CountersProblems.Add(fields.Count < 3
                ? (Messages.MissingPolicyCounters(at.AtColumn(line.Length + 1), chainName), null)
                : (Messages.BadCounters(at.AtColumn(fields[2].Column), fields[2].Text),
                   Messages.IgnoredPolicyCounters(at.AtColumn(fields[2].Column), chainName, fields[2].Text)));
        else if (fields.Count >= 3 && RuleCounters.TryParsePolicy(fields[2].Text, out var read)) counters = read;

        if (chains.TryGetValue(chainName, out var state) && state.Line is { } earlier)
        {
            if (!builtIn)
            {
                diagnostics.Add(Messages.ChainDeclaredTwice(at.AtColumn(nameColumn), chainName));
                return;
            }

            // The later line sets the policy again; the chain keeps its place.
            state.Line = new ChainLine(policy, counters, earlier.Span);
            return;
        }

        order.Add(chainName);
        if (state is null) chains[chainName] = state = new ChainState();
        state.Line = new ChainLine(policy, counters, at);
    }

    /// <summary>Why a name cannot be a chain (formats.md §1.3), or null when it can.</summary>
    public static string? ChainNameProblem(string chain) =>
        Utf8Escaped.ByteCount(chain) is < 1 or > Chain.MaxNameLength ? "1-28 bytes"
        : chain[0] is '-' or '!' ? "not starting with - or !"
        : TargetCatalog.IsKnown(chain) ? "not the name of a target"
        : null;

    // Reused from line to line: a kube-proxy dump declares tens of thousands of chains.
    private readonly List<(string Text, int Column)> fields = new(3);

    /// <summary>The first three fields after the colon (restore reads no more), with their columns.</summary>
    private List<(string Text, int Column)> Fields(string line)
    {
        fields.Clear();
        var i = 1;
        while (i < line.Length && fields.Count < 3)
        {
            if (line[i] is ' ' or '\t')
            {
                i++;
                continue;
            }

            var start = i;
            while (i < line.Length && line[i] is not (' ' or '\t')) i++;
            fields.Add((line[start..i], start + 1));
        }

        return fields;
    }

    /// <summary>
    /// True when <paramref name="chain"/> was declared by a chain line before <paramref name="line"/>. Asked by the
    /// binders on both cores while the first pass reads on, which adds no chain meanwhile (<see cref="BindingPass.Hold"/>); the merge that adds rules never
    /// adds a chain (a rule's chain is declared or built-in, and built-in chains are there from the start).
    /// </summary>
    public bool IsDeclaredBefore(string chain, int line) =>
        chains.TryGetValue(chain, out var state) && state.Line is { } declared && declared.Span.Line < line;

    /// <summary>
    /// The number a rule line of <paramref name="chain"/> gets if every earlier one loads, or 0 for a chain not
    /// declared (yet), whose rules fail. Counted by the first pass, before any rule is bound.
    /// </summary>
    public int CountRuleLine(ReadOnlySpan<char> chain)
    {
        if (!chain.IsEmpty && lastCounted is { } last && chain.SequenceEqual(last.Name)) return ++last.State.RuleLines;
        if (chain.IsEmpty || !chains.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chain, out var name, out var state)) return 0;
        lastCounted = (name, state);
        return ++state.RuleLines;
    }

    private (string Name, ChainState State)? lastCounted;

    /// <summary>
    /// Puts <paramref name="rule"/> at the end of its chain, with its number there (1-based): the binder
    /// numbered it within its batch, which is right unless the chain's rules began in an earlier batch.
    /// </summary>
    public void Add(Rule rule)
    {
        var rules = RulesFor(rule.Chain);
        rules.Add(rule.Number == rules.Count + 1 ? rule : rule with { Number = rules.Count + 1 });
    }

    /// <summary>A jump or goto of a rule that was read, at its chain name; checked for loops at COMMIT.</summary>
    public void NoteJump(string from, string to, SourceSpan line, int column) => jumps.Add(from, to, line, column);

    /// <summary>
    /// A rule whose target the kernel takes only from some hooks (DNAT from PREROUTING and OUTPUT...),
    /// in a chain that is not one of them; checked at COMMIT, when every jump is known.
    /// </summary>
    public void NoteHookedTarget(string chain, string target, string[] hooks, SourceSpan at) =>
        hooked.Add((chain, target, hooks, at));

    private readonly List<(string Chain, string Target, string[] Hooks, SourceSpan At)> hooked = [];

    /// <summary>
    /// The hooked targets reached from a built-in chain they are not allowed from, as the kernel
    /// checks them on commit (x_tables' mark_source_chains, nf_tables' chain validation): a user
    /// chain counts for every built-in chain that reaches it; one no built-in chain reaches is not checked.
    /// </summary>
    public IEnumerable<Diagnostic> HookProblems()
    {
        if (hooked.Count == 0) yield break;
        jumps.MarkReachable(builtIns);
        foreach (var (chain, target, hooks, at) in hooked)
        {
            // No list and no closure for a rule that is fine: kube-proxy has a DNAT in each of its tens of thousands of endpoint chains.
            List<string>? wrong = null;
            var reached = jumps.ReachedFrom(chain);
            for (var i = 0; i < builtIns.Length; i++)
                if ((reached & (1 << i)) != 0 && !hooks.Contains(builtIns[i])) (wrong ??= []).Add(builtIns[i]);
            if (wrong is not null) yield return Messages.TargetOutsideHooks(at, target, hooks, chain, wrong);
        }
    }

    /// <summary>The loop a built-in chain reaches, as the kernel refuses it at COMMIT; null when none.</summary>
    public Diagnostic? LoopProblem() =>
        jumps.FindReachable(builtIns) is { } loop ? Messages.JumpLoop(loop.At, Name, loop.Cycle) : null;

    /// <summary>
    /// The rules of a chain so far. A dump lists each chain's rules together, so the chain of the
    /// last rule is nearly always the one asked for; the pool gives it the same string instance.
    /// </summary>
    private ImmutableArray<Rule>.Builder RulesFor(string chain)
    {
        if (ReferenceEquals(chain, lastChain)) return lastRules!;
        // A built-in chain may hold rules without a chain line.
        if (!chains.TryGetValue(chain, out var state)) chains[chain] = state = new ChainState();
        // From one slot: most chains of a large dump hold one to three rules (kube-proxy's endpoints), and
        // the builder's default of eight, copied again at the end, was 5 MB on 100,000 rules.
        lastChain = chain;
        lastRules = state.Rules ??= ImmutableArray.CreateBuilder<Rule>(1);
        return lastRules;
    }

    /// <summary>
    /// The table. Built-in chains the block never declared still exist in the kernel, so they are
    /// there with the default ACCEPT policy.
    /// </summary>
    public Table Build()
    {
        var builtIns = Model.Table.BuiltInChainsOf(Name);
        var built = ImmutableArray.CreateBuilder<Chain>(builtIns.Length + order.Count);
        foreach (var builtIn in builtIns)
        {
            var line = chains.GetValueOrDefault(builtIn)?.Line;
            built.Add(new Chain(builtIn, line?.Policy ?? Verdict.Accept, line?.Counters ?? Counters.Zero, RulesOf(builtIn), line?.Span ?? Span));
        }

        foreach (var chain in order)
        {
            if (IsBuiltIn(chain)) continue;
            var line = chains[chain].Line!;
            built.Add(new Chain(chain, null, line.Counters, RulesOf(chain), line.Span));
        }

        return new Table(Name, built.ToImmutable(), Span);
    }

    // DrainToImmutable hands over the builder's array without a copy when it is full.
    private ImmutableArray<Rule> RulesOf(string chain) => chains.TryGetValue(chain, out var state) && state.Rules is { } list ? list.DrainToImmutable() : [];

    /// <summary>Why a jump or goto cannot go to its chain.</summary>
    public Diagnostic TargetProblem(JumpTarget jump, SourceSpan at) =>
        IsBuiltIn(jump.Chain) ? Messages.JumpToBuiltIn(at, jump.IsGoto ? "-g" : "-j", jump.Chain)
        : jump.IsGoto ? Messages.UndeclaredChain(at, jump.Chain, Name)
        : Messages.UndeclaredTarget(at, jump.Chain, Name);
}
