namespace DockerFw.Cli.Output;

/// <summary>
/// One <c>--format</c> of <c>dockerfw audit</c>: the audit's <see cref="IResultFormatter{TResult}"/>, which
/// also knows the terminal it writes to (colour, width). Formatters only render; they decide nothing.
/// </summary>
internal interface IAuditFormatter : IResultFormatter<AuditRun>
{
    void Write(AuditRun run, TextWriter output, TerminalProfile terminal);

    /// <summary>Written as to a file: no colour, no terminal width.</summary>
    void IResultFormatter<AuditRun>.Write(AuditRun run, TextWriter output) => Write(run, output, TerminalProfile.Plain);
}
