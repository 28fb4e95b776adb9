using DockerFw.Core.Audit;
using Spectre.Console;

namespace DockerFw.Cli.Output;

/// <summary>The matrices: network by network (IPv4, then IPv6), and container by container on request.</summary>
internal sealed partial class AuditTextFormatter
{
    private static void Reachability(IAnsiConsole console, AuditReport report)
    {
        Heading(console, "Reachability", "new connections from a network (row) to another (column)");
        var matrix = report.Reachability;
        if (matrix.Networks.Length < 2)
        {
            console.MarkupLine("  (fewer than two networks)");
            return;
        }

        Grid(console, matrix);
        foreach (var entry in matrix.Listed)
        {
            var head = $"  {entry.From} -> {entry.To}: {ReportWords.Of(entry.Verdict)}";
            if (entry.Flows.Length == 1) console.MarkupLine(Esc($"{head}, {FlowText(entry.Flows[0])}"));
            else
            {
                console.MarkupLine(Esc(head));
                foreach (var flow in entry.Flows)
                    console.MarkupLine($"    {Esc(FlowText(flow))}");
            }

            if (entry.ReplyWay is { } way) console.MarkupLine(Esc($"    reply: {way}"));
        }
    }

    /// <summary>A grid of verdicts for a few networks; past <see cref="ReportWords.GridLimit"/>, the grouped line the JSON's form says.</summary>
    private static void Grid(IAnsiConsole console, ReachabilityMatrix matrix)
    {
        if (matrix.Networks.Length > ReportWords.GridLimit)
        {
            console.MarkupLine(Esc($"  {ReportWords.GroupedMatrix(matrix)}"));
            return;
        }

        var names = matrix.Networks;
        var table = NewTable(["from \\ to", .. names]);
        foreach (var from in names)
        {
            var cells = names.Select(to => from == to
                ? new Markup("-")
                : matrix.Of(from, to) is { } entry ? VerdictCell(entry.Verdict) : new Markup("?"));
            table.AddRow([new Markup(Esc(from)), .. cells]);
        }

        console.Write(table);
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

        Grid(console, entries);
        foreach (var entry in entries.Listed)
            console.MarkupLine(Esc($"  {entry.From} -> {entry.To}: {ReportWords.Of(entry.Verdict)}, {string.Join("; ", entry.Flows.Select(FlowText))}"));
    }

    /// <summary>Only with <c>--containers</c>: by source endpoint, the destinations with the same answer on one row.</summary>
    private static void Containers(IAnsiConsole console, AuditReport report)
    {
        if (report.ContainersReachability is not { } entries) return;
        Heading(console, "Containers", "new connections from a container (at its address on a network) to another");
        if (entries.IsEmpty)
        {
            console.MarkupLine("  (no containers with an address on a bridge network)");
            return;
        }

        // Grouped: one row per source endpoint and answer, its destinations listed together (a flat
        // list of every pair was 156 rows for 13 containers).
        var table = NewTable("from", "to", "verdict", "flows");
        var groups = entries
            .GroupBy(e => (e.From, e.FromNetwork, e.FromAddress))
            .OrderBy(g => g.Key.From, StringComparer.Ordinal).ThenBy(g => g.Key.FromNetwork, StringComparer.Ordinal);
        foreach (var source in groups)
        {
            var first = true;
            foreach (var same in source.GroupBy(e => (e.Verdict, Flows: e.Verdict == ReachabilityVerdict.Denied ? "-" : string.Join("; ", e.Flows.Select(FlowText)), e.ReplyWay)))
            {
                var flows = same.Key.ReplyWay is { } way ? $"{same.Key.Flows}; reply: {way}" : same.Key.Flows;
                table.AddRow(
                    new Markup(first ? Esc($"{source.Key.From} ({source.Key.FromNetwork} {source.Key.FromAddress})") : ""),
                    new Markup(Esc(string.Join("\n", same.Select(e => $"{e.To} ({e.ToNetwork} {e.ToAddress})")))),
                    VerdictCell(same.Key.Verdict), new Markup(Esc(flows)));
                first = false;
            }
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
        if (flow.IcmpTypes is { } types) ports += " " + Core.Audit.Analysis.FlowWords.IcmpTypes(types);
        if (flow.Sources is { } from) ports += $" from {from}";
        if (flow.SourcePorts is { } sources) ports += " " + Core.Audit.Analysis.FlowWords.SourcePorts(sources);
        var to = (flow.Destinations is null ? "" : $" to {flow.Destinations}") + (flow.Via is null ? "" : $" via {flow.Via}");
        var possible = flow.Possible ? ", only possibly (depends on what the dump cannot show)" : "";
        var protocol = flow.Protocol == "all" ? "every protocol" : flow.Protocol;
        return $"{protocol}{ports}{to} ({flow.Kind}{possible})";
    }
}
