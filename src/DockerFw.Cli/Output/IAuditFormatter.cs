namespace DockerFw.Cli.Output;

/// <summary>One <c>--format</c> of <c>dockerfw audit</c>. Formatters only render; they decide nothing.</summary>
internal interface IAuditFormatter
{
    /// <summary>The value of <c>--format</c> that selects this formatter.</summary>
    string Name { get; }

    void Write(AuditRun run, TextWriter output, TerminalProfile terminal);
}
