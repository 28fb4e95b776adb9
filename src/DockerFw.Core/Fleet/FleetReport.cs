using System.Collections.Immutable;

namespace DockerFw.Core.Fleet;

/// <summary>
/// What <c>dockerfw fleet</c> found: the hosts, the routed networks, both matrices and the findings.
/// The matrices are judged as they are read, one cell at a time, from the hosts' walks: a fleet of N
/// hosts has N(N-1) cells at least, too many to hold (1,000 hosts: about 2 million). The findings
/// of the network cells are gathered on the way, so a report read in order (the matrices, then the
/// findings) judges each cell once; <see cref="Findings"/> read first judges the network cells for them.
/// </summary>
public sealed class FleetReport
{
    private readonly Func<CellKind, IEnumerable<FleetCell>> _judge;
    private readonly Func<FindingsOfCells> _gatherer;
    private readonly Func<FindingsOfCells, ImmutableArray<FleetFinding>> _findingsOf;
    private ImmutableArray<FleetFinding>? _findings;

    internal FleetReport(ImmutableArray<HostSummary> hosts, ImmutableArray<FleetNetwork> routed, ImmutableArray<PeerPortCell> swarm, ImmutableArray<PeerPortCell> weave,
        Func<CellKind, IEnumerable<FleetCell>> judge, Func<FindingsOfCells> gatherer, Func<FindingsOfCells, ImmutableArray<FleetFinding>> findingsOf)
    {
        (Hosts, Routed, Swarm, Weave, _judge, _gatherer, _findingsOf) = (hosts, routed, swarm, weave, judge, gatherer, findingsOf);
    }

    /// <summary>Each swarm node's ports as every other node opens them; empty unless two hosts are swarm nodes.</summary>
    public ImmutableArray<PeerPortCell> Swarm { get; }

    /// <summary>Each Weave host's peer ports as every other Weave host opens them; empty unless two hosts run Weave.</summary>
    public ImmutableArray<PeerPortCell> Weave { get; }

    public ImmutableArray<HostSummary> Hosts { get; }

    public ImmutableArray<FleetNetwork> Routed { get; }

    /// <summary>The network-to-network cells, by sender, receiver, then their networks, judged as they are enumerated.</summary>
    public IEnumerable<FleetCell> Networks
    {
        get
        {
            // Only the cells' findings are kept, not the cells.
            var found = _gatherer();
            foreach (var cell in _judge(CellKind.Network))
            {
                found.Add(cell);
                yield return cell;
            }

            _findings ??= _findingsOf(found);
        }
    }

    /// <summary>The container-to-container cells, judged as they are enumerated.</summary>
    public IEnumerable<FleetCell> Containers => _judge(CellKind.Container);

    public ImmutableArray<FleetFinding> Findings
    {
        get
        {
            if (_findings is { } known) return known;
            var found = _gatherer();
            foreach (var cell in _judge(CellKind.Network)) found.Add(cell);
            return (_findings = _findingsOf(found)).Value;
        }
    }
}
