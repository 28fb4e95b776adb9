using System.Collections.Immutable;
using DockerFw.Core.Audit;

namespace DockerFw.Core.Fleet;

/// <summary>
/// A finding a cell raises, its message not yet written: merged, only a row's first cell's is (the
/// others' would be thrown away, and a message names the cell's packets, costly to write a million times).
/// </summary>
internal sealed record CellFinding(FindingCode Code, ImmutableArray<string> Hosts, Func<string> Message, Func<ImmutableArray<Decision>>? Evidence = null)
{
    public FleetFinding Make() => new(Code, Hosts, Message()) { Evidence = Evidence is null ? [] : Evidence() };

    public static CellFinding Of(FleetFinding finding) => new(finding.Code, finding.Hosts, () => finding.Message, () => finding.Evidence);
}

/// <summary>
/// The findings of the network cells, gathered as the cells are judged (the cells themselves are not
/// held). Merged, the findings of one code from one sender's network are one finding: the first
/// cell's, naming how many more cells say the same and the first few of them; a host of a fleet of
/// 1,000 whose default route leads outside the bundles would otherwise raise 999 findings alike.
/// </summary>
internal sealed class FindingsOfCells(Func<FleetCell, IEnumerable<CellFinding>> ofCell, bool merge)
{
    // Named in the merged message before "and N more".
    private const int Named = 3;

    private readonly List<Merged> _cells = [];
    private readonly List<Merged> _mtu = [];
    private readonly Dictionary<(string Code, string From), Merged> _merged = [];

    public void Add(FleetCell cell)
    {
        foreach (var finding in ofCell(cell)) Keep(finding, cell, _cells);
        foreach (var finding in MtuCheck.Find(cell.Spec)) Keep(CellFinding.Of(finding), cell, _mtu);
    }

    /// <summary>The cells' findings, then the MTUs', each in the order of their first cell.</summary>
    public IEnumerable<FleetFinding> Cells => _cells.Select(m => m.Finding);

    public IEnumerable<FleetFinding> Mtu => _mtu.Select(m => m.Finding);

    private void Keep(CellFinding finding, FleetCell cell, List<Merged> list)
    {
        if (merge && _merged.TryGetValue((finding.Code.Code, cell.From), out var known))
        {
            known.Add(cell.To);
            return;
        }

        var first = new Merged(finding.Make(), cell.From, cell.To);
        if (merge) _merged[(finding.Code.Code, cell.From)] = first;
        list.Add(first);
    }

    private sealed class Merged(FleetFinding first, string from, string to)
    {
        private readonly List<string> _others = [];
        private string _last = to;
        private int _more;

        // A cell that raises the code twice (two parts) is one cell.
        public void Add(string to)
        {
            if (to == _last) return;
            _more++;
            if (_others.Count < Named) _others.Add(to);
            _last = to;
        }

        public FleetFinding Finding => _more == 0 ? first : first with
        {
            Message = $"{first.Message} (likewise {_more} more cell{(_more == 1 ? "" : "s")} from {from}: to {string.Join(", ", _others)}"
                + $"{(_more > _others.Count ? $" and {_more - _others.Count} more" : "")}; dockerfw fleet --full lists each)",
        };
    }
}
