using DockerFw.Cli.Output;
using DockerFw.Core.Fleet;
using DockerFw.Core.Model.Values;

namespace DockerFw.Cli.Fleet;

/// <summary>
/// The fleet report for a person: the hosts and their routed networks, the network matrix and the
/// container matrix (each cell's outcome, its way, and each part with the rule on each host that
/// decided it), then the findings. Everything read from the bundles is printed escaped. The matrices
/// are grouped (<see cref="CompactMatrix"/>: each group's first cell in full, the others named, at
/// most <see cref="Named"/> of them) unless <c>--full</c> asks for every cell.
/// </summary>
internal static class FleetText
{
    public const int Named = 10;

    public static void Write(FleetReport report, TextWriter output, bool full = false)
    {
        output.WriteLine($"dockerfw fleet: {report.Hosts.Length} hosts");
        var routed = report.Routed.ToHashSet();
        foreach (var host in report.Hosts)
        {
            var networks = host.Networks.Select(n => $"{n.Name} {n.Subnet} on {n.Bridge}{(routed.Contains(n) ? " (routed)" : "")}");
            output.WriteLine(P($"  {host.Name}: {string.Join(", ", networks.DefaultIfEmpty("no bridge network"))}; {host.Containers.Length} container{(host.Containers.Length == 1 ? "" : "s")}"));
        }

        if (full)
        {
            Matrix(output, "Networks across hosts", report.Networks);
            Matrix(output, "Containers across hosts", report.Containers);
        }
        else
        {
            Compact(output, "Networks across hosts", "network", report.Networks);
            Compact(output, "Containers across hosts", "container", report.Containers);
        }

        Ports(output, report.Swarm, "Swarm across hosts (each node's swarm ports as the other nodes open them: the sender's OUTPUT, the receiver's INPUT):");
        Ports(output, report.Weave, "Weave across hosts (each Weave peer's ports as the other peers open them: the sender's OUTPUT, the receiver's INPUT):");
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

    // Only when two hosts are swarm nodes (Weave peers): each one's ports as each other opens them.
    private static void Ports(TextWriter output, IReadOnlyList<PeerPortCell> cells, string title)
    {
        if (cells.Count == 0) return;
        output.WriteLine();
        output.WriteLine(title);
        foreach (var cell in cells)
        {
            output.WriteLine(P($"  {cell.Sender.Name} -> {cell.Receiver.Name} {cell.Port.Display} ({cell.Port.Purpose}), {cell.Addresses}: {Word(cell.Outcome)}{(cell.Reason is null ? "" : $": {cell.Reason}")}"));
            foreach (var d in cell.Decisions)
                output.WriteLine(P($"    {d.Host} {d.Stage switch
                {
                    LegStage.SenderOutput => "OUTPUT",
                    LegStage.ReceiverReplyOutput => "OUTPUT (answers)",
                    LegStage.SenderReplyInput => "INPUT (answers)",
                    _ => "INPUT",
                }}: {d.Rule}"));
        }
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
            Detail(output, cell, "    ");
        }

        if (none) output.WriteLine("  none");
    }

    // A group of one cell reads as that cell does in full; a larger one names its cells and shows its first.
    private static void Compact(TextWriter output, string title, string what, IEnumerable<FleetCell> cells)
    {
        output.WriteLine();
        output.WriteLine($"{title} (new connections, judged over every packet; cells that end alike grouped, --full lists each):");
        var none = true;
        foreach (var row in CompactMatrix.Rows(cells))
        {
            none = false;
            foreach (var group in row.Groups)
            {
                var first = group.Example;
                var outcome = $"{Word(group.Outcome)}{(group.Masqueraded ? " (masqueraded)" : "")}";
                if (group.To.Length == 1)
                {
                    output.WriteLine(P($"  {row.From} -> {first.To}: {outcome}"));
                    Detail(output, first, "    ");
                    continue;
                }

                output.WriteLine(P($"  {row.From} -> {group.To.Length} {what}s: {outcome}"));
                output.WriteLine(P($"    to: {Names(row, group, what)}"));
                output.WriteLine(P($"    the first, {first.To}:"));
                Detail(output, first, "      ");
            }
        }

        if (none) output.WriteLine("  none");
    }

    // The group's cells, or when they are most of the row, the row's others it leaves out; at most Named of them.
    private static string Names(MatrixRow row, MatrixGroup group, string what)
    {
        var others = row.Groups.Where(g => g != group).SelectMany(g => g.To).ToList();
        if (others.Count > 0 && others.Count < group.To.Length)
            return $"every routed {what} of the other hosts but {List(others)}";
        return List(group.To);

        static string List(IReadOnlyCollection<string> names) =>
            string.Join(", ", names.Take(Named)) + (names.Count > Named ? $" and {names.Count - Named} more" : "");
    }

    private static void Detail(TextWriter output, FleetCell cell, string indent)
    {
        output.WriteLine(P($"{indent}way: {Way(cell.Spec.Way)}"));
        foreach (var part in cell.Parts)
        {
            output.WriteLine(P($"{indent}{part.PacketsText}: {Word(part.Outcome)}{(part.Reason is null ? "" : $": {part.Reason}")}"));
            foreach (var d in part.Decisions)
                output.WriteLine(P($"{indent}  {d.Host} {(d.Stage is { } s ? Leg.StageName(s) : "route")}: {d.Rule}"));
            if (part.Nat is not null) output.WriteLine(P($"{indent}  source rewritten by {part.Nat}"));
        }
    }

    public static string Way(UnderlayWay way) => way.Kind switch
    {
        WayKind.Tunnel => $"tunnel {way.OutDevice} ({way.Tunnel!.Kind}, outer {way.Outer!.Display}) into {way.PeerInDevice ?? "?"}; {way.Reason}",
        WayKind.Routed => $"routed out of {way.OutDevice} into {way.PeerInDevice}; {way.Reason}",
        WayKind.Bridged => $"bridged by {way.OutDevice}'s port {way.Tunnel!.Name} ({way.Tunnel.Kind}, outer {way.Outer!.Display}) into {way.PeerInDevice ?? "?"}{(way.PeerTunnel is { } back ? $" by its port {back.Name}" : "")}; {way.Reason}",
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
