using System.Collections.Immutable;

namespace DockerFw.Core.Fleet;

/// <summary>
/// Cells of one row (from one sender's network, or container) that end the same way: the outcome,
/// whether the peer sees the sender instead of the container, and the kind of way the sender's routes
/// give them. <see cref="Example"/> is the first of them, judged in full.
/// </summary>
/// <param name="To">Every cell's destination (network or container), in the matrix's order.</param>
public sealed record MatrixGroup(CellOutcome Outcome, bool Masqueraded, WayKind Way, ImmutableArray<string> To, FleetCell Example);

/// <summary>One row of the compact matrix: every cell from one network (or container) of one host, grouped.</summary>
/// <param name="Cells">How many cells the row has: the sum of its groups' <c>To</c>.</param>
public sealed record MatrixRow(string From, string FromHost, int Cells, ImmutableArray<MatrixGroup> Groups);

/// <summary>
/// The fleet's matrices in their compact form: the cells grouped by row, and in a row by how they
/// end, as the audit groups its matrices (docs/audit-json.md): a host whose default route leads
/// outside the bundles says so once for its 999 peers, not 999 times. Made from the judged cells as
/// they come (by sender, then receiver), holding one sender's rows at a time.
/// </summary>
public static class CompactMatrix
{
    public static IEnumerable<MatrixRow> Rows(IEnumerable<FleetCell> cells)
    {
        string? sender = null;
        var rows = new List<Row>();
        var byFrom = new Dictionary<string, Row>();
        foreach (var cell in cells)
        {
            if (cell.Spec.Sender.Name != sender)
            {
                foreach (var row in rows) yield return row.Finish(sender!);
                (rows, sender) = ([], cell.Spec.Sender.Name);
                byFrom.Clear();
            }

            if (!byFrom.TryGetValue(cell.From, out var into)) rows.Add(byFrom[cell.From] = into = new Row(cell.From));
            into.Add(cell);
        }

        foreach (var row in rows) yield return row.Finish(sender!);
    }

    // One row being filled: its groups in the order of their first cell (a row has a few).
    private sealed class Row(string from)
    {
        private readonly List<(CellOutcome Outcome, bool Masqueraded, WayKind Way, List<string> To, FleetCell Example)> _groups = [];

        public void Add(FleetCell cell)
        {
            var (outcome, masqueraded, way) = (cell.Outcome, cell.Masqueraded, cell.Spec.Way.Kind);
            foreach (var g in _groups)
                if (g.Outcome == outcome && g.Masqueraded == masqueraded && g.Way == way)
                {
                    g.To.Add(cell.To);
                    return;
                }

            _groups.Add((outcome, masqueraded, way, [cell.To], cell));
        }

        public MatrixRow Finish(string sender) => new(from, sender, _groups.Sum(g => g.To.Count),
            [.. _groups.Select(g => new MatrixGroup(g.Outcome, g.Masqueraded, g.Way, [.. g.To], g.Example))]);
    }
}
