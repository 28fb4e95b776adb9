namespace DockerFw.Cli.Output.Html;

/// <summary>
/// Writes an <see cref="HtmlReport"/> as one self-contained page. Plain code rather than a template
/// engine: the Liquid engine it replaced (Fluid) reached the report's values by reflection, which a
/// native (AOT) build cannot do; the page's bytes are the same (the approved HTML outputs hold them).
/// </summary>
internal static partial class HtmlReportWriter
{
    public static void Write(HtmlReport report, TextWriter output)
    {
        var html = new HtmlSink(output);
        html.Markup("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Markup("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Markup("<meta name=\"generator\" content=\"dockerfw ").Value(report.ToolVersion).Markup("\">\n")
            .Markup("<title>dockerfw audit: ").Value(report.FindingCount).Markup(Plural(report.FindingCount, " finding")).Markup("</title>\n")
            .Markup(HtmlPageChrome.Style).Markup("\n</head>\n<body>\n\n");
        Header(html, report);
        html.Markup("<main>\n");
        Networks(html, report);
        foreach (var matrix in report.Matrices) Matrix(html, matrix);
        html.Markup("\n");
        Containers(html, report.Containers);
        Ports(html, report.PortTables);
        Findings(html, report);
        Notices(html, report.Notices);
        html.Markup("</main>\n").Markup(HtmlPageChrome.Script).Markup("\n</body>\n</html>\n");
    }

    private static void Header(HtmlSink html, HtmlReport report)
    {
        html.Markup("<header>\n<h1>dockerfw audit</h1>\n<p>").Value(report.FindingCount).Markup(Plural(report.FindingCount, " finding")).Markup("; ")
            .Markup(report.Failed ? "<span class=\"failed\" id=\"verdict\">" : "<span class=\"passed\" id=\"verdict\">").Value(report.Verdict)
            .Markup("</span>.</p>\n<ul class=\"summary\" aria-label=\"findings by severity\">\n");
        foreach (var count in report.Counts)
        {
            html.Markup("  <li class=\"badge ").Value(count.Css).Markup("\" data-severity=\"").Value(count.Severity).Markup("\">")
                .Value(count.Count).Markup(" ").Value(count.Severity).Markup("</li>\n");
        }

        html.Markup("</ul>\n<p class=\"meta\">dockerfw ").Value(report.ToolVersion).Markup(". Read: ");
        for (var i = 0; i < report.Inputs.Count; i++)
        {
            html.Value(report.Inputs[i].Kind).Markup(" ").Element("code", report.Inputs[i].Name);
            if (i < report.Inputs.Count - 1) html.Markup(", ");
        }

        html.Markup(". Docker's view: ").Value(report.View).Markup(". Host settings: ").Value(report.Sysctls).Markup(".</p>\n")
            .Markup("<nav aria-label=\"sections\"><p><a href=\"#networks\">Networks</a> · ");
        foreach (var matrix in report.Matrices)
            html.Markup("<a href=\"#").Value(matrix.Id).Markup("\">").Value(matrix.Title).Markup("</a> · ");
        if (report.Containers is not null) html.Markup("<a href=\"#containers\">Containers</a> · ");
        html.Markup("<a href=\"#ports\">Published ports</a> · <a href=\"#findings\">Findings</a>");
        if (report.PolicyJudged) html.Markup(" · <a href=\"#intended\">Intended by the policy</a>");
        if (report.Notices.Count > 0) html.Markup(" · <a href=\"#notices\">Notices</a>");
        html.Markup("</p></nav>\n</header>\n");
    }

    private static void Networks(HtmlSink html, HtmlReport report)
    {
        html.Markup("<section id=\"networks\" aria-labelledby=\"networks-h\">\n<h2 id=\"networks-h\">Networks</h2>\n");
        if (report.Networks.Count == 0)
        {
            html.Markup("<p>No bridge networks.</p>\n</section>\n");
            return;
        }

        html.Markup("\n<table>\n<caption>icc and masquerade: declared by Docker / effective in the rules. A setting the rules do not keep is marked drift.</caption>\n")
            .Markup("<thead><tr><th scope=\"col\">network</th><th scope=\"col\">bridge</th><th scope=\"col\">subnets</th><th scope=\"col\">internal</th><th scope=\"col\">icc</th><th scope=\"col\">masquerade</th>")
            .Markup(report.HasV6 ? "<th scope=\"col\">icc v6</th><th scope=\"col\">masquerade v6</th>" : "")
            .Markup("</tr></thead>\n<tbody>\n");
        foreach (var network in report.Networks)
        {
            html.Markup("<tr><th scope=\"row\">").Value(network.Name).Markup("</th>").Element("td", network.Bridge)
                .Element("td", network.Subnets).Element("td", network.Internal);
            Setting(html, network.Icc);
            Setting(html, network.Masquerade);
            if (report.HasV6)
            {
                Setting(html, network.IccV6);
                Setting(html, network.MasqueradeV6);
            }

            html.Markup("</tr>\n");
        }

        html.Markup("</tbody>\n</table>\n\n</section>\n");
    }

    private static void Setting(HtmlSink html, HtmlSetting? setting)
    {
        if (setting is null)
        {
            html.Markup("<td>-</td>");
            return;
        }

        html.Markup(setting.Drifted ? "<td class=\"drift\">" : "<td>").Value(setting.Declared).Markup(" / ").Value(setting.Effective)
            .Markup(setting.Drifted ? " (drift)</td>" : "</td>");
    }

    private static void Matrix(HtmlSink html, HtmlMatrix matrix)
    {
        html.Markup("\n<section id=\"").Value(matrix.Id).Markup("\" aria-labelledby=\"").Value(matrix.Id).Markup("-h\">\n")
            .Markup("<h2 id=\"").Value(matrix.Id).Markup("-h\">").Value(matrix.Title).Markup("</h2>\n");
        if (matrix.Grouped is not null)
        {
            html.Markup("<p>").Value(matrix.Caption).Markup(" ").Value(matrix.Grouped).Markup(".</p>\n");
        }
        else
        {
            html.Markup("<table class=\"matrix\">\n<caption>").Value(matrix.Caption)
                .Markup(" A cell that is not denied links to the finding that reports it, or to its flows below.</caption>\n")
                .Markup("<thead><tr><th scope=\"col\">from \\ to</th>");
            foreach (var name in matrix.Names) html.Markup("<th scope=\"col\">").Value(name).Markup("</th>");
            html.Markup("</tr></thead>\n<tbody>\n");
            foreach (var row in matrix.Rows)
            {
                html.Markup("<tr><th scope=\"row\">").Value(row.From).Markup("</th>");
                foreach (var cell in row.Cells)
                {
                    html.Markup("<td class=\"").Value(cell.Css).Markup("\" title=\"").Value(cell.Flows).Markup("\" aria-label=\"").Value(cell.Label)
                        .Markup("\" data-from=\"").Value(row.From).Markup("\" data-to=\"").Value(cell.To).Markup("\">");
                    if (cell.Href is not null) html.Markup("<a href=\"").Value(cell.Href).Markup("\">").Value(cell.Verdict).Markup("</a>");
                    else html.Value(cell.Verdict);
                    html.Markup("</td>");
                }

                html.Markup("</tr>\n");
            }

            html.Markup("</tbody>\n</table>\n");
        }

        if (matrix.Open.Count > 0)
        {
            html.Markup("<h3>Open pairs and their flows</h3>\n<ul>\n");
            foreach (var pair in matrix.Open)
            {
                html.Markup("<li id=\"").Value(pair.Id).Markup("\" class=\"").Value(pair.Css).Markup("\"><span class=\"verdict\">")
                    .Value(pair.From).Markup(" to ").Value(pair.To).Markup(": ").Value(pair.Verdict).Markup("</span>");
                if (pair.Finding is not null)
                    html.Markup(" (<a href=\"#").Value(pair.Finding).Markup("\">").Value(pair.FindingCode).Markup("</a>)");
                html.Markup("<ul>");
                foreach (var flow in pair.Flows) html.Element("li", flow);
                html.Markup("</ul></li>\n");
            }

            html.Markup("</ul>");
        }

        html.Markup("\n</section>\n");
    }

    /// <summary>" finding" or " findings": the template's plural of a count.</summary>
    private static string Plural(int count, string word) => count == 1 ? word : word + "s";
}
