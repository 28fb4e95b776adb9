using System.Globalization;
using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Audit.Checks;

namespace DockerFw.Cli.Output.Html;

/// <summary>
/// Puts an audit run into the words and links the HTML report shows. It decides nothing about the
/// host: every verdict is the report's; it only finds, for a cell, the finding that names its pair.
/// </summary>
internal static class HtmlReportBuilder
{
    public static HtmlReport Of(AuditRun run)
    {
        var report = run.Report;
        // Two findings may be equal as records; each still gets its own anchor.
        IReadOnlyDictionary<Finding, string> ids = report.Findings.Select((f, i) => (f, i))
            .ToDictionary(p => p.f, p => $"finding-{p.i + 1}", (IEqualityComparer<Finding>)ReferenceEqualityComparer.Instance);
        var verdict = run.FailOn is { } bar
            ? $"fails on {ReportWords.Of(bar)} or worse: {(run.Failed ? "failed" : "passed")}"
            : "fails on nothing (--fail-on never)";
        var matrices = new List<HtmlMatrix>();
        if (Matrix("matrix", "Reachability", "New connections from a network (row) to another (column); the diagonal is icc inside the network.",
                report.Reachability, report, ids, v6: false) is { } v4)
            matrices.Add(v4);
        if (report.ReachabilityV6 is { IsEmpty: false } six
            && Matrix("matrix-v6", "Reachability over IPv6", "The same matrix in the ip6tables rules, between networks with an IPv6 subnet.",
                six, report, ids, v6: true) is { } v6)
            matrices.Add(v6);

        return new HtmlReport(
            Text(run.ToolVersion),
            verdict,
            run.Failed,
            report.Findings.Length,
            [.. Enum.GetValues<FindingSeverity>().Reverse().Select(s => new HtmlCount(ReportWords.Of(s), report.Findings.Count(f => f.Severity == s), Css(s)))],
            [.. run.Inputs.Select(i => new HtmlInput(i.Kind, Text(i.Name)))],
            report.ViewInferred ? "networks inferred from the ruleset and named after their bridges" : "from Docker's JSON",
            run.Sysctls.IsEmpty ? "none given" : Text(string.Join(", ", run.Sysctls.Select(kv => $"{kv.Key}={kv.Value}"))),
            [.. report.Networks.Select(Network)],
            report.ReachabilityV6 is not null,
            matrices,
            Containers(report),
            PortTables(report),
            [.. report.Findings.GroupBy(f => f.Severity).OrderByDescending(g => g.Key)
                .Select(g => new HtmlSeverityGroup(ReportWords.Of(g.Key), Css(g.Key), [.. g.Select(f => Finding(f, ids[f]))]))],
            [.. (report.Intended ?? []).Select((f, i) => Finding(f, $"intended-{i + 1}"))],
            report.Intended is not null,
            [.. report.Notices.Select(Text)]);
    }

    private static HtmlNetwork Network(NetworkReport n) => new(
        Text(n.Name), Text(n.Bridge ?? "-"), Text(n.Subnets.IsEmpty ? "?" : string.Join(", ", n.Subnets)), n.Internal ? "yes" : "no",
        Setting(n.Icc), Setting(n.Masquerade), n.IccV6 is { } icc6 ? Setting(icc6) : null, n.MasqueradeV6 is { } masq6 ? Setting(masq6) : null);

    private static HtmlSetting Setting(Setting s) => new(ReportWords.Switch(s.Declared), Text(ReportWords.Effective(s)), s.Drifted);

    private static HtmlMatrix? Matrix(string id, string title, string caption, ReachabilityMatrix matrix,
        AuditReport report, IReadOnlyDictionary<Finding, string> ids, bool v6)
    {
        var names = matrix.Networks;
        if (names.Length < 2) return null;
        var open = new List<HtmlPair>();
        var rows = new List<HtmlMatrixRow>();
        // Past the grid's limit the matrix is said as the JSON says it: every pair denied but the open ones listed.
        var grid = names.Length <= ReportWords.GridLimit;
        foreach (var from in names)
        {
            var cells = new List<HtmlCell>();
            foreach (var to in grid ? names : [.. matrix.Listed.Where(e => e.From == from).Select(e => e.To)])
            {
                if (from == to)
                {
                    cells.Add(Diagonal(id, from, report, ids, v6));
                    continue;
                }

                var entry = matrix.Of(from, to);
                if (entry is null)
                {
                    cells.Add(new HtmlCell(Text(to), "?", "unknown", "not judged", null, $"{Text(from)} to {Text(to)}: not judged"));
                    continue;
                }

                var word = ReportWords.Of(entry.Verdict);
                var flows = entry.Flows.Select(f => Text(FlowWords.Of(f))).ToList();
                // The finding about this direction first (findings name their networks from, to), then any about the pair.
                var finding = report.Findings.FirstOrDefault(f => f.Networks is [var a, var b] && a == from && b == to)
                    ?? report.Findings.FirstOrDefault(f => f.Networks.Contains(from) && f.Networks.Contains(to));
                string? href = null;
                if (entry.Verdict != ReachabilityVerdict.Denied)
                {
                    var pairId = $"{id}-pair-{open.Count + 1}";
                    open.Add(new HtmlPair(pairId, Text(from), Text(to), word, word, flows, finding is null ? null : ids[finding], finding?.Code.Code));
                    href = finding is null ? "#" + pairId : "#" + ids[finding];
                }

                var label = $"{Text(from)} to {Text(to)}: {word}" + (finding is null || href is null ? "" : $", see {finding.Code.Code}");
                cells.Add(new HtmlCell(Text(to), word, word, flows.Count == 0 ? word : string.Join("; ", flows), href, label));
            }

            if (grid) rows.Add(new HtmlMatrixRow(Text(from), cells));
        }

        return new HtmlMatrix(id, title, caption, grid ? [.. names.Select(Text)] : [], rows, open)
        {
            Grouped = grid ? null : Text(ReportWords.GroupedMatrix(matrix)),
        };
    }

    // The diagonal is icc: what containers of one network do to each other.
    private static HtmlCell Diagonal(string matrix, string name, AuditReport report, IReadOnlyDictionary<Finding, string> ids, bool v6)
    {
        var network = report.Networks.FirstOrDefault(n => n.Name == name);
        var setting = v6 ? network?.IccV6 : network?.Icc;
        var effective = setting is null ? "?" : ReportWords.Effective(setting);
        var css = setting switch
        {
            null => "unknown",
            { PartialFlows: not null } => "partial",
            { Effective: true } => "self-on",
            _ => "self-off",
        };
        var finding = report.Findings.FirstOrDefault(f => f.Code.Check == "icc" && f.Networks.Contains(name));
        var words = $"icc {(setting is null ? "?" : setting.PartialFlows is null ? effective : "partial")}";
        return new HtmlCell(Text(name), words, css, Text(effective), finding is null ? null : "#" + ids[finding],
            $"inside {Text(name)}: icc {Text(effective)}" + (finding is null ? "" : $", see {finding.Code.Code}"));
    }

    private static HtmlContainers? Containers(AuditReport report)
    {
        if (report.ContainersReachability is not { } entries) return null;
        var groups = entries
            .GroupBy(e => (e.From, e.FromNetwork, e.FromAddress))
            .Select(g =>
            {
                var rows = g.Select(e =>
                {
                    var flows = string.Join("; ", e.Flows.Select(f => FlowWords.Of(f)));
                    var to = $"{e.To} ({e.ToAddress} on {e.ToNetwork})";
                    var word = ReportWords.Of(e.Verdict);
                    return new HtmlContainerRow(Text(to), word, word, Text(flows),
                        Text($"{g.Key.From} {g.Key.FromNetwork} {g.Key.FromAddress} {to} {word} {flows}").ToLowerInvariant());
                }).ToList();
                var counts = string.Join(", ", rows.GroupBy(r => r.Verdict).OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Count()} {v.Key}"));
                return new HtmlContainerGroup(Text($"{g.Key.From} ({g.Key.FromAddress} on {g.Key.FromNetwork})"), counts,
                    rows.Any(r => r.Verdict != "denied"), rows);
            })
            .ToList();
        return new HtmlContainers(groups, entries.Length);
    }

    private static List<HtmlPortTable> PortTables(AuditReport report)
    {
        var tables = new List<HtmlPortTable> { new("IPv4", "Ports Docker publishes, and whether the filter lets new connections from outside in.", Ports(report.PublishedPorts)) };
        if (report.PublishedPortsV6 is { } six)
            tables.Add(new HtmlPortTable("IPv6", "The IPv6 bindings, judged in the ip6tables rules.", Ports(six)));
        return tables;
    }

    private static List<HtmlPort> Ports(IEnumerable<PublishedPortReport> ports) =>
        [.. ports.Select(p =>
        {
            var (accepts, css) = p.Partial is { } partial
                ? ($"partial ({PublishedPortCheck.Clients(partial)})", "partial")
                : p.FilterAccepts switch { true => ("yes", "open"), false => ("no", "closed"), null => ("?", "unknown") };
            // Replies dropped (oracle F35): every one, the port answers no one; some, those connections are one-way.
            if (p.RepliesDropped is { } dropped)
                (accepts, css) = dropped == "all" ? ($"{accepts} (one-way: every reply dropped)", "closed") : ($"{accepts} (one-way: replies dropped {dropped})", "partial");
            // Later packets dropped (oracle F38): the connections open and are answered, no data follows.
            if (p.LaterDropped is { } later)
                (accepts, css) = later == "all" && css != "partial" ? ($"{accepts} (opening-only: every later packet dropped)", "closed") : ($"{accepts} (opening-only: later packets dropped {later})", "partial");
            return new HtmlPort(
                Text($"{ReportWords.Address(p.HostIp)}:{p.HostPort?.ToString(CultureInfo.InvariantCulture) ?? "?"}/{p.Protocol}"),
                Text(p.Container ?? "?"), Text(p.Network ?? "?"), Text($"{ReportWords.Address(p.ContainerIp)}:{p.ContainerPort}"), Text(accepts), css);
        })];

    private static HtmlFinding Finding(Finding f, string id) => new(
        id, f.Code.Code, f.Code.Check, ReportWords.Of(f.Severity), Css(f.Severity), Text(f.Message),
        Text(string.Join(", ", f.Networks)), Text(string.Join(", ", f.Containers)),
        [.. f.Evidence.Select(e => new HtmlEvidence(e.Route is not null ? "route" : Text($"{e.Table}/{e.Chain} #{e.Rule} (line {e.Line})"), Text(e.Role), Text(e.Text)))],
        f.IntendedBy is { } intent ? Text(intent.ToString()) : null);

    private static string Css(FindingSeverity severity) => "sev-" + ReportWords.Of(severity);

    private static string Text(string text) => Printable.Of(text);
}
