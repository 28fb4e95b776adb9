using System.Globalization;
using DockerFw.Core.Audit;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace DockerFw.Cli.Output;

/// <summary>
/// The default <c>--format text</c>, for people: what was read, the networks (declared against
/// effective, drift marked), the reachability matrix, published ports, then the findings by
/// severity with the rules that make them so. Colour only when <see cref="TerminalProfile.Colour"/>.
/// </summary>
internal sealed class AuditTextFormatter : IAuditFormatter
{
    public string Name => "text";

    public void Write(AuditRun run, TextWriter output, TerminalProfile terminal)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = terminal.Colour ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = terminal.Colour ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = terminal.Width;
        if (!terminal.Colour) console.Profile.Capabilities.Unicode = true;

        Header(console, run);
        Networks(console, run.Report);
        Reachability(console, run.Report);
        ReachabilityV6(console, run.Report);
        Containers(console, run.Report);
        PublishedPorts(console, run.Report);
        Findings(console, run.Report);
        Notices(console, run.Report);
    }

    private static void Header(IAnsiConsole console, AuditRun run)
    {
        var report = run.Report;
        console.MarkupLine($"[bold]dockerfw audit[/] {Esc(run.ToolVersion)}");
        foreach (var input in run.Inputs)
            console.MarkupLine($"  {Esc(input.Kind),-9} {Esc(input.Name)}");
        console.MarkupLine(report.ViewInferred
            ? "  [yellow]view      networks inferred from the ruleset and named after their bridges[/]"
            : "  view      from Docker's JSON");
        console.MarkupLine(run.Sysctls.IsEmpty
            ? "  sysctls   none given"
            : $"  sysctls   {Esc(string.Join(", ", run.Sysctls.Select(kv => $"{kv.Key}={kv.Value}")))}");
        var counts = string.Join(", ", Enum.GetValues<FindingSeverity>().Reverse()
            .Select(s => $"{report.Findings.Count(f => f.Severity == s)} {ReportWords.Of(s)}"));
        console.MarkupLine($"  findings  {report.Findings.Length} ({counts})");
    }

    private static void Networks(IAnsiConsole console, AuditReport report)
    {
        Heading(console, "Networks", "icc and masquerade: declared by Docker / effective in the rules");
        if (report.Networks.IsEmpty)
        {
            console.MarkupLine("  (no bridge networks)");
            return;
        }

        // IPv6 columns only when an IPv6 ruleset was judged: an IPv4-only report keeps its shape.
        var six = report.ReachabilityV6 is not null;
        var table = six
            ? NewTable("network", "bridge", "subnets", "internal", "icc", "masquerade", "icc v6", "masquerade v6")
            : NewTable("network", "bridge", "subnets", "internal", "icc", "masquerade");
        foreach (var n in report.Networks)
        {
            IRenderable[] cells =
            [
                new Markup(Esc(n.Name)), new Markup(Esc(n.Bridge ?? "-")), new Markup(Esc(n.Subnets.IsEmpty ? "?" : string.Join(", ", n.Subnets))),
                new Markup(n.Internal ? "yes" : "no"), SettingCell(n.Icc), SettingCell(n.Masquerade),
            ];
            table.AddRow(six ? [.. cells, SettingCell(n.IccV6), SettingCell(n.MasqueradeV6)] : cells);
        }

        console.Write(table);
    }

    private static IRenderable SettingCell(Setting? setting)
    {
        if (setting is null) return new Markup("-");
        var text = $"{Word(setting.Declared)} / {Word(setting.Effective)}";
        return new Markup(setting.Drifted ? $"[bold red]{text}  DRIFT[/]" : text);
    }

    private static string Word(bool? value) => value switch { true => "on", false => "off", null => "?" };

    private static void Reachability(IAnsiConsole console, AuditReport report)
    {
        Heading(console, "Reachability", "new connections from a network (row) to another (column)");
        var names = report.Networks.Select(n => n.Name).ToList();
        if (names.Count < 2)
        {
            console.MarkupLine("  (fewer than two networks)");
            return;
        }

        var table = NewTable(["from \\ to", .. names]);
        foreach (var from in names)
        {
            var cells = names.Select(to => from == to
                ? new Markup("-")
                : report.Reachability.FirstOrDefault(r => r.From == from && r.To == to) is { } entry ? VerdictCell(entry.Verdict) : new Markup("?"));
            table.AddRow([new Markup(Esc(from)), .. cells]);
        }

        console.Write(table);
        foreach (var entry in report.Reachability.Where(r => r.Verdict != ReachabilityVerdict.Denied))
        {
            var head = $"  {entry.From} -> {entry.To}: {ReportWords.Of(entry.Verdict)}";
            if (entry.Flows.Length == 1)
            {
                console.MarkupLine(Esc($"{head}, {FlowText(entry.Flows[0])}"));
                continue;
            }

            console.MarkupLine(Esc(head));
            foreach (var flow in entry.Flows)
                console.MarkupLine($"    {Esc(FlowText(flow))}");
        }
    }

    /// <summary>Only when an IPv6 ruleset was read: the networks with an IPv6 subnet, as ip6tables treats them.</summary>
    private static void ReachabilityV6(IAnsiConsole console, AuditReport report)
    {
        if (report.ReachabilityV6 is not { } entries) return;
        Heading(console, "Reachability over IPv6", "the same matrix in the ip6tables rules, between networks with an IPv6 subnet");
        if (entries.IsEmpty)
        {
            console.MarkupLine("  (fewer than two networks with an IPv6 subnet)");
            return;
        }

        var names = entries.Select(e => e.From).Distinct().ToList();
        var table = NewTable(["from \\ to", .. names]);
        foreach (var from in names)
        {
            var cells = names.Select(to => from == to
                ? new Markup("-")
                : entries.FirstOrDefault(r => r.From == from && r.To == to) is { } entry ? VerdictCell(entry.Verdict) : new Markup("?"));
            table.AddRow([new Markup(Esc(from)), .. cells]);
        }

        console.Write(table);
        foreach (var entry in entries.Where(r => r.Verdict != ReachabilityVerdict.Denied))
            console.MarkupLine(Esc($"  {entry.From} -> {entry.To}: {ReportWords.Of(entry.Verdict)}, {string.Join("; ", entry.Flows.Select(FlowText))}"));
    }

    /// <summary>Only with <c>--containers</c>: one row per ordered pair of container endpoints.</summary>
    private static void Containers(IAnsiConsole console, AuditReport report)
    {
        if (report.ContainersReachability is not { } entries) return;
        Heading(console, "Containers", "new connections from a container (at its address on a network) to another");
        if (entries.IsEmpty)
        {
            console.MarkupLine("  (no containers with an address on a bridge network)");
            return;
        }

        var table = NewTable("from", "to", "verdict", "flows");
        foreach (var e in entries)
        {
            table.AddRow(
                new Markup(Esc($"{e.From} ({e.FromNetwork} {e.FromAddress})")), new Markup(Esc($"{e.To} ({e.ToNetwork} {e.ToAddress})")),
                VerdictCell(e.Verdict), new Markup(Esc(e.Verdict == ReachabilityVerdict.Denied ? "-" : string.Join("; ", e.Flows.Select(FlowText)))));
        }

        console.Write(table);
    }

    private static Markup VerdictCell(ReachabilityVerdict verdict) => verdict switch
    {
        ReachabilityVerdict.Allowed => new Markup("[bold red]allowed[/]"),
        ReachabilityVerdict.Partial => new Markup("[yellow]partial[/]"),
        _ => new Markup("[green]denied[/]"),
    };

    private static string FlowText(AllowedFlow flow)
    {
        var ports = flow.Ports is null ? "" : $" port {flow.Ports}";
        var to = flow.Destinations is null ? "" : $" to {flow.Destinations}";
        var possible = flow.Possible ? ", only possibly (depends on what the dump cannot show)" : "";
        var protocol = flow.Protocol == "all" ? "every protocol" : flow.Protocol;
        return $"{protocol}{ports}{to} ({flow.Kind}{possible})";
    }

    private static void PublishedPorts(IAnsiConsole console, AuditReport report)
    {
        Heading(console, "Published ports", null);
        if (report.PublishedPorts.IsEmpty)
        {
            console.MarkupLine("  (none)");
            return;
        }

        var table = NewTable("host", "container", "network", "container address", "filter lets it in");
        foreach (var p in report.PublishedPorts)
        {
            table.AddRow(
                Esc($"{HostAddress(p.HostIp)}:{p.HostPort?.ToString(CultureInfo.InvariantCulture) ?? "?"}/{p.Protocol}"),
                Esc(p.Container ?? "?"),
                Esc(p.Network ?? "?"),
                Esc($"{p.ContainerIp}:{p.ContainerPort}"),
                p.FilterAccepts switch { true => "yes", false => "[red]no[/]", null => "?" });
        }

        console.Write(table);
    }

    private static string HostAddress(string? ip) => ip switch
    {
        null => "*",
        _ when ip.Contains(':') => $"[{ip}]",
        _ => ip,
    };

    private static void Findings(IAnsiConsole console, AuditReport report)
    {
        Heading(console, "Findings", null);
        if (report.Findings.IsEmpty)
        {
            console.MarkupLine("  [green]none[/]");
            return;
        }

        foreach (var group in report.Findings.GroupBy(f => f.Severity).OrderByDescending(g => g.Key))
        {
            console.MarkupLine($"[{SeverityStyle(group.Key)}]{ReportWords.Of(group.Key).ToUpperInvariant()} ({group.Count()})[/]");
            foreach (var finding in group) Finding(console, finding);
        }
    }

    private static void Finding(IAnsiConsole console, Finding finding)
    {
        console.MarkupLine($"  [bold]{Esc(finding.Code.Code)}[/] [dim]{Esc(finding.Code.Check)}:[/] {Esc(finding.Message)}");
        var concerns = new List<string>();
        if (!finding.Networks.IsEmpty) concerns.Add($"networks: {string.Join(", ", finding.Networks)}");
        if (!finding.Containers.IsEmpty) concerns.Add($"containers: {string.Join(", ", finding.Containers)}");
        if (concerns.Count > 0) console.MarkupLine($"    [dim]{Esc(string.Join("; ", concerns))}[/]");
        foreach (var e in finding.Evidence)
        {
            var where = e.Line > 0 ? $"{e.Table}/{e.Chain} #{e.Rule} (line {e.Line})" : $"{e.Table}/{e.Chain}";
            console.MarkupLine($"    {Esc(where)}: {Esc(e.Text)}  [dim]({Esc(e.Role)})[/]");
        }
    }

    private static void Notices(IAnsiConsole console, AuditReport report)
    {
        if (report.Notices.IsEmpty) return;
        Heading(console, "Notices", null);
        foreach (var notice in report.Notices) console.MarkupLine($"  - {Esc(notice)}");
    }

    private static string SeverityStyle(FindingSeverity severity) => severity switch
    {
        FindingSeverity.High => "bold red",
        FindingSeverity.Medium => "bold yellow",
        FindingSeverity.Low => "bold blue",
        _ => "bold grey",
    };

    private static void Heading(IAnsiConsole console, string title, string? subtitle)
    {
        console.WriteLine();
        console.MarkupLine(subtitle is null ? $"[bold underline]{title}[/]" : $"[bold underline]{title}[/] [dim]({Esc(subtitle)})[/]");
    }

    private static Table NewTable(params string[] columns)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in columns) table.AddColumn(new TableColumn(Esc(column)));
        return table;
    }

    private static string Esc(string text) => Markup.Escape(text);
}
