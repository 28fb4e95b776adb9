namespace DockerFw.Core.Text;

/// <summary>
/// A problem found in input text, rendered like a compiler does:
/// <c>file:line:col: error: message [DFW101]</c>.
/// </summary>
public sealed record Diagnostic(Severity Severity, string Code, string Message, SourceSpan Span)
{
    public bool IsError => Severity == Severity.Error;

    public Diagnostic AsError() => this with { Severity = Severity.Error };

    public string Render()
    {
        var level = Severity == Severity.Error ? "error" : "warning";
        return $"{Span.File}:{Span.Line}:{Span.Column}: {level}: {Message} [{Code}]";
    }

    public override string ToString() => Render();
}
