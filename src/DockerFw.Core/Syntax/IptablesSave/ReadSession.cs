using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>What stays the same for every line of one read: the family, where diagnostics
/// go, and the buffers reused from line to line.</summary>
internal sealed class ReadSession(IpFamily family, List<Diagnostic> diagnostics)
{
    public IpFamily Family { get; } = family;

    public List<Diagnostic> Diagnostics { get; } = diagnostics;

    public StringPool Strings { get; } = new();

    /// <summary>The argument list of the line being read; the binder copies what it keeps.</summary>
    public List<Token> Tokens { get; } = new(32);

    public RuleBinder Binder { get; } = new();

    private RuleContext? context;

    /// <summary>The context of the next rule line, <paramref name="table"/>'s at <paramref name="line"/>.</summary>
    public RuleContext Context(TableBuilder table, SourceSpan line) =>
        context?.Start(table, line) ?? (context = new RuleContext(Family, table, line, Diagnostics));

    /// <summary>True once a rule carried counters: the dump is then one restored with --counters.</summary>
    public bool SawCounters { get; set; }
}
