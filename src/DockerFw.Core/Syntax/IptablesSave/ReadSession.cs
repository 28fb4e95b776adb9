using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>What stays the same for every line one thread binds: the family, and the buffers
/// reused from line to line.</summary>
/// <param name="poolCapacity">The distinct tokens expected (<see cref="StringPool(int)"/>).</param>
internal sealed class ReadSession(IpFamily family, int poolCapacity)
{
    public IpFamily Family { get; } = family;

    public StringPool Strings { get; } = new(poolCapacity);

    /// <summary>The argument list of the line being read; the binder copies what it keeps.</summary>
    public List<Token> Tokens { get; } = new(32);

    public RuleBinder Binder { get; } = new();

    private RuleContext? context;

    /// <summary>The context of the next rule line, <paramref name="table"/>'s at <paramref name="line"/>, reporting to <paramref name="diagnostics"/>.</summary>
    public RuleContext Context(TableSoFar table, SourceSpan line, List<Diagnostic> diagnostics) =>
        context?.Start(table, line, diagnostics) ?? (context = new RuleContext(Family, table, line, diagnostics));
}
