namespace DockerFw.Cli.Output.Html;

/// <summary>
/// <c>--format html</c>: one self-contained page (styles and the small filter script inline, nothing
/// fetched) with the counts, the network matrix as a coloured grid whose open cells link to their
/// findings, the container matrix folded by source and filterable, published ports, the findings
/// by severity with their evidence, and what the policy intends. <see cref="HtmlReportBuilder"/> puts
/// the run into words, <see cref="HtmlReportWriter"/> lays them out, every value HTML-encoded by
/// one sink rather than by hand at each place it is written.
/// </summary>
internal sealed class AuditHtmlFormatter : IAuditFormatter
{
    public string Name => "html";

    public void Write(AuditRun run, TextWriter output, TerminalProfile terminal) =>
        HtmlReportWriter.Write(HtmlReportBuilder.Of(run), output);
}
