using DockerFw.Core.Audit;
using Spectre.Console;

namespace DockerFw.Cli.Output;

/// <summary>The overlay section of the text report: swarm's ports between the nodes, the overlay networks, the routing mesh, docker_gwbridge.</summary>
internal sealed partial class AuditTextFormatter
{
    private static void Overlay(IAnsiConsole console, AuditReport report)
    {
        if (report.Overlay is not { } overlay) return;
        var node = overlay.Node is { } n
            ? $"node {n.Address ?? "(address unknown)"}, {(n.Manager ? "manager" : "worker")}, peers {(n.Peers.IsEmpty ? "unknown: judged over every address" : string.Join(", ", n.Peers))}"
            : "no swarm state read (docker info)";
        Heading(console, "Swarm and overlay networks", node);
        if (!overlay.Ports.IsEmpty)
        {
            var table = NewTable("port", "way", "purpose", "verdict", "decided by");
            foreach (var port in overlay.Ports)
                table.AddRow(
                    Esc(port.Port is { } p ? $"{port.Protocol}/{p}" : port.Protocol),
                    Esc(port.Direction),
                    Esc(port.Network is null ? port.Purpose : $"{port.Purpose}: {port.Network}"),
                    Verdict(port.Verdict, port.BlockedPeers),
                    Esc(string.Join("; ", port.DecidedBy.Select(e => e.Text))));
            console.Write(table);
        }

        foreach (var network in overlay.Networks.Where(x => x.Encrypted))
            console.MarkupLine($"  {Esc(network.Name)} (encrypted, VNI {Esc(string.Join(",", network.Vnis))}): cleartext VXLAN {network.CleartextDropped switch
            {
                true => "[green]dropped[/]",
                false => "[red]accepted[/]",
                null => "[yellow]undecided[/]",
            }}");
        foreach (var port in overlay.IngressPorts)
            console.MarkupLine($"  routing mesh {Esc(port.Protocol)}/{Esc(port.Ports)} to {Esc(port.To)}: {Verdict(port.Verdict, null)}{(port.Partial is { } p ? Esc($" ({DockerFw.Core.Audit.Checks.PublishedPortCheck.Clients(p)})") : "")}"
                + (port.RepliesDropped is { } dropped ? $" [red]{Esc(dropped == "all" ? "(one-way: every reply dropped)" : $"(one-way: replies dropped {dropped})")}[/]" : "")
                + (port.RepliesUnrouted is { } unrouted ? $" [red]{Esc(unrouted == "all" ? "(one-way: no route back to any client)" : $"(one-way: no route back {unrouted})")}[/]" : "")
                + (port.RepliesUncertain is { } uncertain ? $" [yellow]{Esc($"(replies uncertain {uncertain})")}[/]" : ""));
        if (overlay.Gwbridge is { } gw)
            console.MarkupLine($"  docker_gwbridge icc: Docker means off, declared {Word(gw.Declared)}, effective {(gw.Effective.PartialFlows is not null ? "partial" : Word(gw.Effective.Effective))}");
    }

    private static string Verdict(string verdict, string? blocked) => verdict switch
    {
        "open" => "[green]open[/]",
        "blocked" => "[red]blocked[/]",
        "partial" => $"[red]partial[/]{(blocked is null ? "" : $" (blocked: {Esc(blocked)})")}",
        _ => "[yellow]uncertain[/]",
    };

    private static string Word(bool? value) => value switch
    {
        true => "on",
        false => "off",
        null => "unknown",
    };
}
