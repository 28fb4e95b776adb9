using System.Collections.Immutable;
using DockerFw.Core.Fleet;
using static DockerFw.Core.Tests.Fleet.FleetFixture;

namespace DockerFw.Core.Tests.Fleet;

/// <summary>
/// The compact form of the fleet's matrices and findings: a row (every cell from one sender's network
/// or container) holds its cells grouped by how they end, and one code's findings from one row are
/// one finding. The cells are the routed fixture's a -> b cell, reachable or (b's rule for a taken
/// out) blocked, renamed as if sent to further hosts c1, c2...
/// </summary>
public sealed class CompactMatrixTests
{
    private const string LetAIn = "-A DOCKER-USER -s 10.103.100.0/24 -i under0 -o docker0 -j ACCEPT";

    private static readonly FleetCell Reachable = Cell(Run("routed"), "a");
    private static readonly FleetCell Blocked = Cell(Run("routed", Without("b", LetAIn)), "a");

    private static FleetCell To(FleetCell cell, string to) => cell with { Spec = cell.Spec with { To = to } };

    [Fact]
    public void A_rows_cells_that_end_alike_are_one_group_whose_first_cell_is_kept_whole()
    {
        var rows = CompactMatrix.Rows([To(Reachable, "c1"), To(Blocked, "c2"), To(Reachable, "c3"), To(Blocked, "c4"), To(Reachable, "c5")]).ToList();

        var row = Assert.Single(rows);
        Assert.Equal(("a/bridge (10.103.100.0/24)", "a", 5), (row.From, row.FromHost, row.Cells));
        Assert.Equal(["Reachable Routed: c1, c3, c5", "Blocked Routed: c2, c4"], row.Groups.Select(g => $"{g.Outcome} {g.Way}: {string.Join(", ", g.To)}"));
        Assert.Equal(["c1", "c2"], row.Groups.Select(g => g.Example.To));
        Assert.Equal(Blocked.Parts, row.Groups[1].Example.Parts);
    }

    [Fact]
    public void Each_senders_rows_come_in_the_order_of_their_first_cell_and_masquerading_splits_a_group()
    {
        var masqueraded = To(Reachable, "c3") with { Parts = [Reachable.Parts[0] with { Nat = "nat/POSTROUTING#1: -A POSTROUTING -j MASQUERADE" }] };
        var fromB = Cell(Run("routed"), "b");

        var rows = CompactMatrix.Rows([To(Reachable, "c1"), masqueraded, To(Reachable, "c2"), fromB]).ToList();

        Assert.Equal(["a/bridge (10.103.100.0/24) 3", "b/bridge (10.103.200.0/24) 1"], rows.Select(r => $"{r.From} {r.Cells}"));
        Assert.Equal([(false, 2), (true, 1)], rows[0].Groups.Select(g => (g.Masqueraded, g.To.Length)));
    }

    [Fact]
    public void Merged_one_codes_findings_from_one_row_are_the_first_cells_naming_how_many_more_and_the_first_few()
    {
        var written = 0;
        CellFinding Finding(string[] hosts, string message) => new(FleetCodes.CrossHostBlocked, [.. hosts], () => { written++; return message; });
        IEnumerable<CellFinding> Blocks(FleetCell c) => c.Outcome == CellOutcome.Blocked
            ? [Finding([c.Spec.Sender.Name, c.Spec.Receiver.Name], $"{c.From} -> {c.To}: blocked"), Finding(["a"], "again")]
            : [];
        ImmutableArray<FleetCell> cells = [To(Reachable, "c1"), .. Enumerable.Range(2, 6).Select(i => To(Blocked, $"c{i}"))];

        var merged = new FindingsOfCells(Blocks, merge: true);
        foreach (var cell in cells) merged.Add(cell);
        // Only the first cell's message is written.
        Assert.Equal(1, written);
        var each = new FindingsOfCells(Blocks, merge: false);
        foreach (var cell in cells) each.Add(cell);

        var finding = Assert.Single(merged.Cells);
        Assert.Equal("a/bridge (10.103.100.0/24) -> c2: blocked (likewise 5 more cells from a/bridge (10.103.100.0/24): to c3, c4, c5 and 2 more; dockerfw fleet --full lists each)", finding.Message);
        Assert.Equal<string>(["a", "b"], finding.Hosts);
        Assert.Equal(12, each.Cells.Count());
    }

    [Fact]
    public void A_fleet_of_two_hosts_has_the_same_findings_merged_or_not()
    {
        FleetReport Report(bool merge) => FleetAuditor.Run([.. new[] { "a", "b" }.Select(n => (Func<FleetHost>)(() => FleetFixture.Host("routed", n, Without("b", LetAIn))))], merge);

        Assert.Equal(Report(false).Findings.Select(f => f.Message), Report(true).Findings.Select(f => f.Message));
        Assert.NotEmpty(Report(true).Findings);
    }
}
