using System.Collections.Immutable;

namespace DockerFw.Core.Fleet;

/// <summary>
/// What <c>dockerfw fleet</c> found: the hosts, the routed networks, both matrices and the findings.
/// The matrices are judged as they are read, one cell at a time, from the hosts' walks: a fleet of N
/// hosts has N(N-1) cells at least, too many to hold (1,000 hosts: about 2 million). The findings
/// of the network cells are gathered on the way, so a report read in order (the matrices, then the
/// findings) judges each cell once; <see cref="Findings"/> read first judges the network cells for them.
/// </summary>
public sealed class FleetReport(
    ImmutableArray<HostSummary> hosts,
    ImmutableArray<FleetNetwork> routed,
    Func<CellKind, IEnumerable<FleetCell>> judge,
    Func<FleetCell, IEnumerable<FleetFinding>> findingsOfCell,
    Func<IEnumerable<FleetFinding>, ImmutableArray<FleetFinding>> findingsOf)
{
    private ImmutableArray<FleetFinding>? _findings;

    public ImmutableArray<HostSummary> Hosts { get; } = hosts;

    public ImmutableArray<FleetNetwork> Routed { get; } = routed;

    /// <summary>The network-to-network cells, in the plan's order, judged as they are enumerated.</summary>
    public IEnumerable<FleetCell> Networks
    {
        get
        {
            // Only the cells' findings are kept, not the cells.
            var found = new List<FleetFinding>();
            foreach (var cell in judge(CellKind.Network))
            {
                found.AddRange(findingsOfCell(cell));
                yield return cell;
            }

            _findings ??= findingsOf(found);
        }
    }

    /// <summary>The container-to-container cells, judged as they are enumerated.</summary>
    public IEnumerable<FleetCell> Containers => judge(CellKind.Container);

    public ImmutableArray<FleetFinding> Findings => _findings ??= findingsOf(judge(CellKind.Network).SelectMany(findingsOfCell));
}
