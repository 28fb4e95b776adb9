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
internal sealed partial class AuditTextFormatter : IAuditFormatter
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
        PublishedPorts(console, "Published ports", null, run.Report.PublishedPorts);
        if (run.Report.PublishedPortsV6 is { } six)
            PublishedPorts(console, "Published ports over IPv6", "the IPv6 bindings, probed in the ip6tables rules", six);
        Overlay(console, run.Report);
        Findings(console, run.Report);
        Intended(console, run.Report);
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
        if (report.Intended is { IsEmpty: false } intended)
            console.MarkupLine($"  intended  {intended.Length} (what the policy asks for: not counted)");
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
                new Markup(n.Internal ? "yes" : "no"), SettingCell(n.Icc), SettingCell(n.Masquerade, SnatWords(n)),
            ];
            table.AddRow(six ? [.. cells, SettingCell(n.IccV6), SettingCell(n.MasqueradeV6)] : cells);
        }

        console.Write(table);
    }

    /// <summary>The masquerade's address where it is no MASQUERADE's: one SNAT address, or one per way out (oracle F60).</summary>
    private static string SnatWords(NetworkReport n) =>
        !n.SnatVia.IsEmpty ? " " + Esc($"({string.Join("; ", n.SnatVia.Select(w => $"{(w.SnatTo is { } to ? $"SNAT to {to}" : "masqueraded")} via {w.Via}"))})")
        : n.SnatTo is { } snat ? " " + Esc($"(SNAT to {snat})") : "";

    private static IRenderable SettingCell(Setting? setting, string after = "")
    {
        if (setting is null) return new Markup("-");
        var text = $"{ReportWords.Switch(setting.Declared)} / {Esc(ReportWords.Effective(setting))}";
        // A masquerade whose replies the filter drops (oracle F35): one-way, said beside the NAT's answer.
        var replies = (setting.RepliesDropped is { } dropped ? $" [red]{Esc(dropped == "all" ? "(one-way: every reply dropped)" : "(one-way: some replies dropped)")}[/]" : "")
            + (setting.LaterDropped is { } later ? $" [red]{Esc(later == "all" ? "(opening-only: every later packet dropped)" : "(opening-only: some later packets dropped)")}[/]" : "")
            + (setting.RepliesUncertain is { } uncertain ? $" [yellow]{Esc($"(replies uncertain {uncertain})")}[/]" : "");
        return new Markup((setting.Drifted ? $"[bold red]{text}  DRIFT[/]" : text) + after + replies);
    }

    private static void PublishedPorts(IAnsiConsole console, string title, string? subtitle, IReadOnlyCollection<PublishedPortReport> ports)
    {
        Heading(console, title, subtitle);
        if (ports.Count == 0)
        {
            console.MarkupLine("  (none)");
            return;
        }

        var table = NewTable("host", "container", "network", "container address", "filter lets it in");
        foreach (var p in ports)
        {
            table.AddRow(
                Esc($"{ReportWords.Address(p.HostIp)}:{p.HostPort?.ToString(CultureInfo.InvariantCulture) ?? "?"}/{p.Protocol}"),
                Esc(p.Container ?? "?"),
                Esc(p.Network ?? "?"),
                Esc($"{ReportWords.Address(p.ContainerIp)}:{p.ContainerPort}"),
                (p.Partial is { } partial ? Esc($"partial ({DockerFw.Core.Audit.Checks.PublishedPortCheck.Clients(partial)})")
                : p.FilterAccepts switch { true => "yes", false => "[red]no[/]", null => "?" })
                // Oracle F59: the filter's answer is about NATed connections; say where none or only some are.
                + (p.Nated switch
                {
                    ReachabilityVerdict.Denied => " [red](not NATed to the container)[/]",
                    ReachabilityVerdict.Partial => $" [yellow]{Esc($"(not NATed {p.NotNated})")}[/]",
                    null => " [yellow](NAT unknown)[/]",
                    _ => "",
                })
                + (p.RepliesDropped is { } dropped ? $" [red]{Esc(dropped == "all" ? "(one-way: every reply dropped)" : $"(one-way: replies dropped {dropped})")}[/]" : "")
                + (p.RepliesUnrouted is { } unrouted ? $" [red]{Esc(unrouted == "all" ? "(one-way: no route back to any client)" : $"(one-way: no route back {unrouted})")}[/]" : "")
                + (p.RepliesUncertain is { } uncertain ? $" [yellow]{Esc($"(replies uncertain {uncertain})")}[/]" : "")
                + (p.LaterDropped is { } later ? $" [red]{Esc(later == "all" ? "(opening-only: every later packet dropped)" : $"(opening-only: later packets dropped {later})")}[/]" : ""));
        }

        console.Write(table);
    }

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

    /// <summary>Findings the policy asks for, apart from the real ones, each with the statement that asks.</summary>
    private static void Intended(IAnsiConsole console, AuditReport report)
    {
        if (report.Intended is not { IsEmpty: false } intended) return;
        Heading(console, "Intended by the policy", "Docker's intent departed from on purpose; not counted for --fail-on");
        foreach (var finding in intended)
        {
            console.MarkupLine($"  [dim]intended by {Esc(finding.IntendedBy!.ToString())}: {Esc(finding.IntendedBy.Statement)} (would be {ReportWords.Of(finding.Severity)})[/]");
            Finding(console, finding);
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
            var where = e.Route is not null ? "route" : e.Line > 0 ? $"{e.Table}/{e.Chain} #{e.Rule} (line {e.Line})" : $"{e.Table}/{e.Chain}";
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

    private static string Esc(string text) => Markup.Escape(Printable.Of(text));
}
