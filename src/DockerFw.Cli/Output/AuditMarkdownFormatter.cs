using System.Globalization;
using System.Text;
using DockerFw.Core.Audit;

namespace DockerFw.Cli.Output;

/// <summary>
/// <c>--format markdown</c>: the report as GitHub-flavoured Markdown, for <c>$GITHUB_STEP_SUMMARY</c>
/// and merge-request comments: the counts, the networks with declared and effective settings, the
/// matrix, the findings with their evidence folded, the notices. Text from the inputs is escaped.
/// </summary>
internal sealed class AuditMarkdownFormatter : IAuditFormatter
{
    public string Name => "markdown";

    public void Write(AuditRun run, TextWriter output, TerminalProfile terminal)
    {
        var report = run.Report;
        var md = new StringBuilder();
        var counts = Enum.GetValues<FindingSeverity>().Reverse().Select(s => $"{report.Findings.Count(f => f.Severity == s)} {ReportWords.Of(s)}");
        md.Append(CultureInfo.InvariantCulture, $"## dockerfw audit: {report.Findings.Length} finding{(report.Findings.Length == 1 ? "" : "s")} ({string.Join(", ", counts)})\n\n");
        md.Append(CultureInfo.InvariantCulture, $"{(run.FailOn is { } bar ? $"Fails on {ReportWords.Of(bar)} or worse: **{(run.Failed ? "failed" : "passed")}**" : "Fails on nothing (`--fail-on never`)")}. ");
        md.Append(CultureInfo.InvariantCulture, $"dockerfw {Text(run.ToolVersion)}; read: {string.Join(", ", run.Inputs.Select(i => $"{i.Kind} `{Code(i.Name)}`"))}.\n\n");

        md.Append("### Networks\n\n| network | bridge | subnets | internal | icc (declared / effective) | masquerade (declared / effective) |\n|---|---|---|---|---|---|\n");
        foreach (var n in report.Networks)
            md.Append(CultureInfo.InvariantCulture, $"| {Text(n.Name)} | {Text(n.Bridge ?? "-")} | {Text(string.Join(", ", n.Subnets))} | {(n.Internal ? "yes" : "no")} | {Setting(n.Icc)} | {Setting(n.Masquerade)} |\n");

        var matrix = report.Reachability;
        if (matrix.Networks.Length > ReportWords.GridLimit)
        {
            // Past the grid's limit, as the JSON says it: every pair denied but those listed.
            md.Append("\n### Reachability\n\nNew connections from a network to another: ").Append(Text(ReportWords.GroupedMatrix(matrix))).Append(".\n");
            if (!matrix.Listed.IsEmpty) md.Append('\n');
            foreach (var entry in matrix.Listed)
                md.Append("- ").Append(Text(entry.From)).Append(" -> ").Append(Text(entry.To)).Append(": ").Append(Verdict(entry.Verdict)).Append('\n');
        }
        else if (matrix.Networks.Length >= 2)
        {
            var names = matrix.Networks;
            md.Append("\n### Reachability\n\nNew connections from a network (row) to another (column).\n\n| from \\ to | ").Append(string.Join(" | ", names.Select(Text))).Append(" |\n|---|")
                .Append(string.Concat(names.Select(_ => "---|"))).Append('\n');
            foreach (var from in names)
            {
                md.Append("| ").Append(Text(from)).Append(" |");
                foreach (var to in names)
                {
                    var entry = matrix.Of(from, to);
                    md.Append(' ').Append(from == to ? "-" : entry is null ? "?" : Verdict(entry.Verdict)).Append(" |");
                }

                md.Append('\n');
            }
        }

        md.Append("\n### Findings\n\n");
        if (report.Findings.IsEmpty) md.Append("None.\n");
        foreach (var f in report.Findings)
        {
            md.Append(CultureInfo.InvariantCulture, $"- **{ReportWords.Of(f.Severity).ToUpperInvariant()} {f.Code.Code}** ({f.Code.Check}): {Text(f.Message)}\n");
            if (f.Evidence.IsEmpty) continue;
            md.Append("  <details><summary>evidence</summary>\n\n");
            foreach (var e in f.Evidence)
            {
                if (e.Route is not null) md.Append(CultureInfo.InvariantCulture, $"  - route ({Text(e.Role)}): `{Code(e.Text)}`\n");
                else md.Append(CultureInfo.InvariantCulture, $"  - {Text(e.Table)}/{Text(e.Chain)} #{e.Rule} (line {e.Line}, {Text(e.Role)}): `{Code(e.Text)}`\n");
            }

            md.Append("\n  </details>\n");
        }

        if (report.Intended is { IsEmpty: false } intended)
        {
            md.Append("\n### Intended by the policy\n\n");
            foreach (var f in intended)
                md.Append(CultureInfo.InvariantCulture, $"- {f.Code.Code}: {Text(f.Message)} (intended by `{Code(f.IntendedBy!.ToString())}`)\n");
        }

        if (!report.Notices.IsEmpty)
        {
            md.Append("\n### Notices\n\n");
            foreach (var notice in report.Notices) md.Append("- ").Append(Text(notice)).Append('\n');
        }

        output.Write(md.ToString());
    }

    private static string Setting(Setting s)
    {
        var text = $"{ReportWords.Switch(s.Declared)} / {Text(ReportWords.Effective(s))}";
        return s.Drifted ? $"**{text} (drift)**" : text;
    }

    private static string Verdict(ReachabilityVerdict verdict) => verdict switch
    {
        ReachabilityVerdict.Allowed => "**allowed**",
        ReachabilityVerdict.Partial => "*partial*",
        _ => "denied",
    };

    /// <summary>Text from the inputs: Markdown's and HTML's special characters and control characters made inert.</summary>
    private static string Text(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in Printable.Of(text))
        {
            if (c is '\\' or '`' or '*' or '_' or '[' or ']' or '#' or '|' or '~') builder.Append('\\').Append(c);
            else if (c == '<') builder.Append("&lt;");
            else if (c == '>') builder.Append("&gt;");
            else if (c == '&') builder.Append("&amp;");
            else if (c == '\n') builder.Append(' ');
            else builder.Append(c);
        }

        return builder.ToString();
    }

    // Inside a code span only a backtick can end it: replace it, keep the rest verbatim.
    private static string Code(string text) => Printable.Of(text).Replace('`', '\'').Replace('\n', ' ').Replace("|", "\\|", StringComparison.Ordinal);
}
