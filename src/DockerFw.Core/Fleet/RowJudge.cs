using System.Collections.Immutable;
using DockerFw.Core.Semantics.Routing;

namespace DockerFw.Core.Fleet;

/// <summary>
/// Judges a matrix's cells in their order (by sender), those whose way leaves the fleet together: a
/// cell sent elsewhere (a router outside the bundles), to no route or onto the sender's own bridge
/// ends as the sender's rules and routes say, whatever the receiver. Such a cell's parts follow from
/// its route and from which pieces of the sender's walk hold its packets; the first cell of each
/// such kind is judged in full and the others of the sender take its outcome and its parts' shapes,
/// their own parts judged only if read (a row's first cell of a group is printed, the others
/// named). A host of a fleet of 1,000 in racks of 10 sends 990 of its 999 cells a row out of the
/// fleet: they were each judged whole (the cut of the walk, the parts, their packets' text).
/// </summary>
internal sealed class RowJudge(IReadOnlyDictionary<string, LegAnswers> answers)
{
    private readonly Dictionary<Kind, (CellOutcome Outcome, ImmutableArray<PartShape> Shapes)> _known = [];
    private string? _sender;

    // What a leaving cell's judgement depends on: its sender's bridge, its route (the route decision),
    // the device it leaves by (which walk), whether that walk was made and which of its pieces hold the cell's packets.
    private readonly record struct Kind(string Bridge, WayKind Way, Route? Route, string? OutDevice, bool Walked, ulong Touched);

    public FleetCell Judge(CellSpec cell)
    {
        var way = cell.Way;
        if (way.Kind is not (WayKind.Elsewhere or WayKind.NoRoute or WayKind.OwnBridge)) return CellJudge.Judge(cell, HostLegs.Of(cell, answers));
        if (cell.Sender.Name != _sender)
        {
            _known.Clear();
            _sender = cell.Sender.Name;
        }

        var (walked, touched) = (false, (ulong?)0UL);
        if (way.Kind == WayKind.Elsewhere && answers.TryGetValue(cell.Sender.Name, out var walks) && HostLegs.SenderForward(cell) is { } request)
            (walked, touched) = (walks.Walked(request), walks.Touched(request));

        if (walked && touched is null) return CellJudge.Judge(cell, HostLegs.Of(cell, answers));
        var kind = new Kind(cell.SenderBridge, way.Kind, way.Route, way.OutDevice, walked, touched!.Value);
        if (!_known.TryGetValue(kind, out var known))
        {
            var first = CellJudge.Judge(cell, HostLegs.Of(cell, answers));
            _known[kind] = (first.Outcome, first.Shapes);
            return first;
        }

        return new FleetCell(cell, known.Outcome, known.Shapes, () => CellJudge.Judge(cell, HostLegs.Of(cell, answers)).Parts);
    }
}
