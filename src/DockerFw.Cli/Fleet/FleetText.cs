using DockerFw.Cli.Output;
using DockerFw.Core.Fleet;
using DockerFw.Core.Model.Values;

namespace DockerFw.Cli.Fleet;

/// <summary>
/// The fleet report for a person: the hosts and their routed networks, the network matrix and the
/// container matrix (each cell's outcome, its way, and each part with the rule on each host that
/// decided it), then the findings. Everything read from the bundles is printed escaped.
/// </summary>
internal static class FleetText
{
    public static void Write(FleetReport report, TextWriter output)
    {
        output.WriteLine($"dockerfw fleet: {report.Hosts.Length} hosts");
        foreach (var host in report.Hosts)
        {
            var networks = host.Networks.Select(n => $"{n.Name} {n.Subnet} on {n.Bridge}{(report.Routed.Contains(n) ? " (routed)" : "")}");
            output.WriteLine(P($"  {host.Name}: {string.Join(", ", networks.DefaultIfEmpty("no bridge network"))}; {host.Containers.Length} container{(host.Containers.Length == 1 ? "" : "s")}"));
        }

        Matrix(output, "Networks across hosts", report.Networks);
        Matrix(output, "Containers across hosts", report.Containers);
        output.WriteLine();
        if (report.Findings.IsEmpty)
        {
            output.WriteLine("No findings.");
            return;
        }

        output.WriteLine($"Findings ({report.Findings.Length}):");
        foreach (var f in report.Findings)
            output.WriteLine(P($"  {f.Code.Code} {f.Code.Severity.ToString().ToLowerInvariant()} [{string.Join(", ", f.Hosts)}] {f.Message}"));
    }

    private static void Matrix(TextWriter output, string title, IEnumerable<FleetCell> cells)
    {
        output.WriteLine();
        output.WriteLine($"{title} (new connections, judged over every packet):");
        var none = true;
        foreach (var cell in cells)
        {
            none = false;
            output.WriteLine(P($"  {cell.From} -> {cell.To}: {Word(cell.Outcome)}{(cell.Masqueraded ? " (masqueraded)" : "")}"));
            output.WriteLine(P($"    way: {Way(cell.Spec.Way)}"));
            foreach (var part in cell.Parts)
            {
                output.WriteLine(P($"    {part.PacketsText}: {Word(part.Outcome)}{(part.Reason is null ? "" : $": {part.Reason}")}"));
                foreach (var d in part.Decisions)
                    output.WriteLine(P($"      {d.Host} {(d.Stage is { } s ? Leg.StageName(s) : "route")}: {d.Rule}"));
                if (part.Nat is not null) output.WriteLine(P($"      source rewritten by {part.Nat}"));
            }
        }

        if (none) output.WriteLine("  none");
    }

    public static string Way(UnderlayWay way) => way.Kind switch
    {
        WayKind.Tunnel => $"tunnel {way.OutDevice} ({way.Tunnel!.Kind}, outer {way.Outer!.Display}) into {way.PeerInDevice ?? "?"}; {way.Reason}",
        WayKind.Routed => $"routed out of {way.OutDevice} into {way.PeerInDevice}; {way.Reason}",
        _ => way.Reason,
    };

    public static string Word(CellOutcome outcome) => outcome switch
    {
        CellOutcome.Reachable => "reachable",
        CellOutcome.Blocked => "blocked",
        CellOutcome.Partial => "partly reachable",
        _ => "uncertain",
    };

    private static string P(string text) => Printable.Of(text);

    public static string Address(UInt128? address) => address is { } a ? IpAddressValue.Format(a, IpFamily.V4) : "";
}
