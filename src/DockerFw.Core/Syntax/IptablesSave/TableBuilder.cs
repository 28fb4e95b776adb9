using System.Collections.Immutable;
using System.Text;
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
    private sealed record ChainLine(string Name, Verdict? Policy, Counters Counters, SourceSpan Span);

    private readonly Dictionary<string, ChainLine> chains = new(StringComparer.Ordinal);
    private readonly List<string> order = [];
    private readonly HashSet<string> declared = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ImmutableArray<Rule>.Builder> rules = new(StringComparer.Ordinal);

    private readonly ImmutableArray<string> builtIns = Model.Table.BuiltInChainsOf(name);
    private string? lastChain;
    private ImmutableArray<Rule>.Builder? lastRules;

    public string Name { get; } = name;

    public SourceSpan Span { get; } = span;

    public bool IsBuiltIn(string chain) => builtIns.Contains(chain);

    /// <summary>A chain line, <c>:NAME POLICY [p:b]</c>; the fields are split on blanks as restore's strtok does.</summary>
    public void DeclareChain(string line, SourceSpan at, List<Diagnostic> diagnostics)
    {
        var fields = Fields(line);
        if (fields.Count is < 2 or > 3)
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

        Verdict? policy = null;
        if (IsBuiltIn(chainName))
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

        var counters = Counters.Zero;
        if (fields.Count == 3 && !ValueGrammar.CachedCounters.TryParse(fields[2].Text, out counters))
        {
            diagnostics.Add(Messages.BadCounters(at.AtColumn(fields[2].Column), fields[2].Text));
            return;
        }

        if (!declared.Add(chainName))
        {
            diagnostics.Add(Messages.ChainDeclaredTwice(at.AtColumn(nameColumn), chainName));
            return;
        }

        order.Add(chainName);
        chains[chainName] = new ChainLine(chainName, policy, counters, at);
    }

    /// <summary>Why a name cannot be a chain (formats.md §1.3), or null when it can.</summary>
    public static string? ChainNameProblem(string chain) =>
        Encoding.UTF8.GetByteCount(chain) is < 1 or > Chain.MaxNameLength ? "1-28 bytes"
        : chain[0] is '-' or '!' ? "not starting with - or !"
        : TargetCatalog.IsKnown(chain) ? "not the name of a target"
        : null;

    private static List<(string Text, int Column)> Fields(string line)
    {
        var fields = new List<(string, int)>(3);
        var i = 1;
        while (i < line.Length)
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

    /// <summary>A built-in chain of this table, or a chain declared so far.</summary>
    public bool HasChain(string chain) => ReferenceEquals(chain, lastChain) || declared.Contains(chain) || IsBuiltIn(chain);

    /// <summary>The number the next rule of <paramref name="chain"/> gets (1-based).</summary>
    public int NextNumber(string chain) => RulesFor(chain).Count + 1;

    public void Add(Rule rule) => RulesFor(rule.Chain).Add(rule);

    /// <summary>
    /// The rules of a chain so far. A dump lists each chain's rules together, so the chain of the
    /// last rule is nearly always the one asked for; the pool gives it the same string instance.
    /// </summary>
    private ImmutableArray<Rule>.Builder RulesFor(string chain)
    {
        if (ReferenceEquals(chain, lastChain)) return lastRules!;
        if (!rules.TryGetValue(chain, out var list)) rules[chain] = list = ImmutableArray.CreateBuilder<Rule>();
        lastChain = chain;
        lastRules = list;
        return list;
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
            var line = chains.GetValueOrDefault(builtIn);
            built.Add(new Chain(builtIn, line?.Policy ?? Verdict.Accept, line?.Counters ?? Counters.Zero, RulesOf(builtIn), line?.Span ?? Span));
        }

        foreach (var chain in order)
        {
            if (IsBuiltIn(chain)) continue;
            var line = chains[chain];
            built.Add(new Chain(chain, null, line.Counters, RulesOf(chain), line.Span));
        }

        return new Table(Name, built.ToImmutable(), Span);
    }

    private ImmutableArray<Rule> RulesOf(string chain) => rules.TryGetValue(chain, out var list) ? list.ToImmutable() : [];

    /// <summary>True when a jump or goto can go to its chain: a user chain declared so far.</summary>
    public bool CanJumpTo(JumpTarget jump) => declared.Contains(jump.Chain) && !IsBuiltIn(jump.Chain);

    /// <summary>Why a jump or goto cannot go to its chain.</summary>
    public Diagnostic TargetProblem(JumpTarget jump, SourceSpan at) =>
        IsBuiltIn(jump.Chain) ? Messages.JumpToBuiltIn(at, jump.IsGoto ? "-g" : "-j", jump.Chain)
        : jump.IsGoto ? Messages.UndeclaredChain(at, jump.Chain, Name)
        : Messages.UndeclaredTarget(at, jump.Chain, Name);
}
