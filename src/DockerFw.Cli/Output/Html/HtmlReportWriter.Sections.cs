namespace DockerFw.Cli.Output.Html;

/// <summary>The report's sections after the matrices: containers, ports, findings, intent and notices.</summary>
internal static partial class HtmlReportWriter
{
    private static void Containers(HtmlSink html, HtmlContainers? containers)
    {
        if (containers is null)
        {
            html.Markup("\n");
            return;
        }

        html.Markup("\n<section id=\"containers\" aria-labelledby=\"containers-h\">\n<h2 id=\"containers-h\">Containers</h2>\n")
            .Markup("<p>New connections from a container, at its address on a network, to another: ").Value(containers.Pairs)
            .Markup(" pairs, grouped by the container they start from. Groups with an open pair start unfolded.</p>\n")
            .Markup("<p class=\"filter\"><label for=\"container-filter\">Show pairs that mention </label><input id=\"container-filter\" type=\"search\" placeholder=\"name, address, network, allowed...\" autocomplete=\"off\"></p>\n");
        foreach (var group in containers.Groups)
        {
            html.Markup(group.Open ? "<details class=\"container-group\" open>\n" : "<details class=\"container-group\">\n")
                .Markup("<summary>").Value(group.From).Markup(": ").Value(group.Summary).Markup("</summary>\n<table>\n")
                .Markup("<thead><tr><th scope=\"col\">to</th><th scope=\"col\">verdict</th><th scope=\"col\">flows</th></tr></thead>\n<tbody>\n");
            foreach (var row in group.Rows)
            {
                html.Markup("<tr class=\"container-pair\" data-search=\"").Value(row.Search).Markup("\">").Element("td", row.To)
                    .Markup("<td class=\"").Value(row.Css).Markup("\">").Value(row.Verdict).Markup("</td>").Element("td", row.Flows).Markup("</tr>\n");
            }

            html.Markup("</tbody>\n</table>\n</details>\n");
        }

        html.Markup("\n</section>\n\n");
    }

    private static void Ports(HtmlSink html, IReadOnlyList<HtmlPortTable> tables)
    {
        html.Markup("<section id=\"ports\" aria-labelledby=\"ports-h\">\n<h2 id=\"ports-h\">Published ports</h2>\n");
        foreach (var table in tables)
        {
            html.Element("h3", table.Title).Markup("\n");
            if (table.Ports.Count == 0)
            {
                html.Markup("<p>None.</p>\n");
                continue;
            }

            html.Markup("<table>\n").Element("caption", table.Caption)
                .Markup("\n<thead><tr><th scope=\"col\">host</th><th scope=\"col\">container</th><th scope=\"col\">network</th><th scope=\"col\">container address</th><th scope=\"col\">filter lets it in</th></tr></thead>\n<tbody>\n");
            foreach (var port in table.Ports)
            {
                html.Markup("<tr><td><code>").Value(port.Host).Markup("</code></td>").Element("td", port.Container).Element("td", port.Network)
                    .Markup("<td><code>").Value(port.Address).Markup("</code></td><td class=\"").Value(port.Css).Markup("\">").Value(port.Accepts).Markup("</td></tr>\n");
            }

            html.Markup("</tbody>\n</table>\n");
        }

        html.Markup("\n</section>\n");
    }

    private static void Findings(HtmlSink html, HtmlReport report)
    {
        html.Markup("<section id=\"findings\" aria-labelledby=\"findings-h\">\n<h2 id=\"findings-h\">Findings</h2>\n")
            .Markup(report.Findings.Count == 0 ? "<p>None.</p>\n" : "\n");
        foreach (var group in report.Findings)
        {
            html.Markup("<h3>").Value(group.Severity).Markup(" (").Value(group.Findings.Count).Markup(")</h3>\n");
            foreach (var finding in group.Findings) Finding(html, finding);
            html.Markup("\n");
        }

        html.Markup("\n</section>\n");
        if (!report.PolicyJudged)
        {
            html.Markup("\n");
            return;
        }

        html.Markup("\n<section id=\"intended\" aria-labelledby=\"intended-h\">\n<h2 id=\"intended-h\">Intended by the policy</h2>\n")
            .Markup("<p>What Docker's own intent would call a finding, but the policy asks for: not counted.</p>\n")
            .Markup(report.Intended.Count == 0 ? "<p>None.</p>\n" : "\n");
        foreach (var finding in report.Intended) Finding(html, finding);
        html.Markup("\n</section>\n\n");
    }

    private static void Finding(HtmlSink html, HtmlFinding finding)
    {
        html.Markup("<article class=\"finding ").Value(finding.Css).Markup("\" id=\"").Value(finding.Id).Markup("\" data-code=\"").Value(finding.Code).Markup("\">\n")
            .Markup("<h4>").Value(finding.Severity).Markup(" ").Value(finding.Code).Markup(" <span class=\"meta\">(").Value(finding.Check).Markup(")</span></h4>\n")
            .Element("p", finding.Message).Markup("\n");
        if (finding.Networks != "") html.Markup("<p class=\"meta\">networks: ").Value(finding.Networks).Markup("</p>");
        if (finding.Containers != "") html.Markup("<p class=\"meta\">containers: ").Value(finding.Containers).Markup("</p>");
        if (finding.IntendedBy is not null) html.Markup("<p class=\"meta\">intended by <code>").Value(finding.IntendedBy).Markup("</code></p>");
        html.Markup("\n");
        if (finding.Evidence.Count > 0)
        {
            html.Markup("<details><summary>evidence (").Value(finding.Evidence.Count).Markup(Plural(finding.Evidence.Count, " rule")).Markup(")</summary>\n<ul>");
            foreach (var evidence in finding.Evidence)
                html.Markup("<li>").Value(evidence.Where).Markup(", ").Value(evidence.Role).Markup(": <code>").Value(evidence.Text).Markup("</code></li>");
            html.Markup("</ul>\n</details>");
        }

        html.Markup("\n</article>\n");
    }

    private static void Notices(HtmlSink html, IReadOnlyList<string> notices)
    {
        if (notices.Count == 0)
        {
            html.Markup("\n");
            return;
        }

        html.Markup("\n<section id=\"notices\" aria-labelledby=\"notices-h\">\n<h2 id=\"notices-h\">Notices</h2>\n<ul>\n");
        foreach (var notice in notices) html.Element("li", notice).Markup("\n");
        html.Markup("</ul>\n</section>\n\n");
    }
}
