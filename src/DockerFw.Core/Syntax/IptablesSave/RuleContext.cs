using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>What binding one rule line needs to know and where it reports: the family, the table block,
/// the protocol given with <c>-p</c> so far, and the diagnostics of the whole read. One serves a whole
/// read, started again on each line (<see cref="Start"/>): a dump has hundreds of thousands of lines.</summary>
internal sealed class RuleContext(IpFamily family, TableSoFar table, SourceSpan line, List<Diagnostic> diagnostics)
{
    public IpFamily Family { get; } = family;

    /// <summary>The table block being read, with the chains declared so far (save prints them before the rules).</summary>
    public TableSoFar Table { get; private set; } = table;

    public Protocol? Protocol { get; set; }

    public bool ProtocolNegated { get; set; }

    /// <summary>True once this rule had an error; the rule is then dropped from the model.</summary>
    public bool Failed { get; private set; }

    /// <summary>Starts binding the next line, of <paramref name="lineTable"/>, at <paramref name="lineSpan"/>, reporting to <paramref name="lineDiagnostics"/>.</summary>
    public RuleContext Start(TableSoFar lineTable, SourceSpan lineSpan, List<Diagnostic> lineDiagnostics)
    {
        Table = lineTable;
        diagnostics = lineDiagnostics;
        line = lineSpan;
        Protocol = null;
        ProtocolNegated = false;
        Failed = false;
        return this;
    }

    /// <summary>The rule's line, at its first column.</summary>
    public SourceSpan Line => line;

    public SourceSpan At(Token token) => line.AtColumn(token.Column);

    public SourceSpan At(int column) => line.AtColumn(column);

    public void Report(Diagnostic diagnostic)
    {
        diagnostics.Add(diagnostic);
        if (diagnostic.IsError) Failed = true;
    }

    /// <summary>Reports a value error and returns null, so binders can end with it.</summary>
    public T? Bad<T>(Token token, string expected) where T : class
    {
        Report(Messages.BadValue(At(token), expected, token.Text));
        return null;
    }
}
