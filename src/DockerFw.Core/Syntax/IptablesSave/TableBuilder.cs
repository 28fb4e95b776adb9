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
    private readonly List<RuleDraft> rules = [];

    public string Name { get; } = name;

    public SourceSpan Span { get; } = span;

    public IReadOnlySet<string> DeclaredChains => declared;

    public bool IsBuiltIn(string chain) => Model.Table.BuiltInChainsOf(Name).Contains(chain);

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
        if (fields.Count == 3 && !ValueGrammar.Counters.TryParse(fields[2].Text, out counters!))
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

    public void Add(RuleDraft rule) => rules.Add(rule);

    /// <summary>
    /// Checks every reference and builds the table. Built-in chains the block never declared still
    /// exist in the kernel, so they are added with the default ACCEPT policy.
    /// </summary>
    public Table Build(List<Diagnostic> diagnostics)
    {
        var byChain = new Dictionary<string, ImmutableArray<Rule>.Builder>(StringComparer.Ordinal);
        foreach (var builtIn in Model.Table.BuiltInChainsOf(Name)) byChain[builtIn] = ImmutableArray.CreateBuilder<Rule>();
        foreach (var chain in order) byChain.TryAdd(chain, ImmutableArray.CreateBuilder<Rule>());

        foreach (var rule in rules)
        {
            if (!byChain.TryGetValue(rule.Chain, out var list))
            {
                diagnostics.Add(Messages.UndeclaredChain(rule.ChainSpan, rule.Chain, Name));
                continue;
            }

            if (rule.Target is JumpTarget jump && TargetProblem(jump, rule.TargetSpan) is { } problem)
            {
                diagnostics.Add(problem);
                continue;
            }

            list.Add(rule.ToRule(list.Count + 1));
        }

        var built = ImmutableArray.CreateBuilder<Chain>(byChain.Count);
        foreach (var builtIn in Model.Table.BuiltInChainsOf(Name))
        {
            var line = chains.GetValueOrDefault(builtIn);
            built.Add(new Chain(builtIn, line?.Policy ?? Verdict.Accept, line?.Counters ?? Counters.Zero, byChain[builtIn].ToImmutable(), line?.Span ?? Span));
        }

        foreach (var chain in order.Where(c => !IsBuiltIn(c)))
        {
            var line = chains[chain];
            built.Add(new Chain(chain, null, line.Counters, byChain[chain].ToImmutable(), line.Span));
        }

        return new Table(Name, built.MoveToImmutable(), Span);
    }

    private Diagnostic? TargetProblem(JumpTarget jump, SourceSpan at)
    {
        if (IsBuiltIn(jump.Chain)) return Messages.JumpToBuiltIn(at, jump.IsGoto ? "-g" : "-j", jump.Chain);
        if (declared.Contains(jump.Chain)) return null;
        return jump.IsGoto ? Messages.UndeclaredChain(at, jump.Chain, Name) : Messages.UndeclaredTarget(at, jump.Chain, Name);
    }
}
