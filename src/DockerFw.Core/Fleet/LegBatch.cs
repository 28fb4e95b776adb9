using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Fleet;

/// <summary>
/// One leg a host judges, as <see cref="HostRules.Judge"/> takes it: which walk (<see cref="Group"/>)
/// and the leg's own addresses. <paramref name="SeenAs"/>: the sources the answer speaks for when the
/// host sees them NATed; the group then walks the NATed ones.
/// </summary>
public sealed record LegRequest(LegGroup Group, IntervalSet Sources, IntervalSet Destinations, IntervalSet? SeenAs = null);

/// <summary>
/// Legs that differ only in their addresses: one symbolic walk serves them all. <paramref name="State"/>:
/// the packets' conntrack state, NEW for a connection's opening packets, ESTABLISHED for its replies.
/// <paramref name="Unreplied"/>: the requests' later packets of connections whose replies this host's
/// conntrack never sees (<see cref="ReplySight"/>): asked as conntrack gives them (<see cref="HostRules.Judge"/>),
/// only the virtual states of <paramref name="State"/> kept.
/// </summary>
public readonly record struct LegGroup(LegStage Stage, PacketPath Path, string? In, string? Out, int? Protocol, int? Port, bool Masqueraded,
    ConntrackStates State = ConntrackStates.New, bool Unreplied = false)
{
    /// <summary>
    /// What the group's walk depends on: not its stage, which only names the leg, nor whether its
    /// sources are masqueraded, which only says what the cut is said of (<see cref="LegRequest.SeenAs"/>).
    /// A receiver's replies out of a bridge and a sender's later packets out of it, or a sender's
    /// replies into a bridge and a receiver's later packets into it, are one walk.
    /// </summary>
    internal WalkKey Walk => new(Path, In, Out, Protocol, Port, State, Unreplied);
}

/// <summary>The packets one symbolic walk of a host's rules asks about, but for their addresses.</summary>
internal readonly record struct WalkKey(PacketPath Path, string? In, string? Out, int? Protocol, int? Port, ConntrackStates State, bool Unreplied);

/// <summary>
/// The legs one host judges, asked together: legs that differ only in their addresses (a sender's
/// forward leg to each peer out of the same device, a receiver's from each peer into the same bridge)
/// are one symbolic walk over all their addresses, whose answer is then cut to each leg's own. A
/// packet's fate does not depend on which other packets were asked about, so each cut is the answer
/// the leg alone would get; a host of a fleet of N walks its rules a few times, not N times. Only the
/// walks are kept (<see cref="LegAnswers"/>), not the cuts: those are made when a cell is judged, so
/// what a fleet holds grows with its hosts, not its cells.
/// </summary>
internal sealed class LegBatch(HostRules rules)
{
    // Each group's addresses as the legs name them, made one set when the group is walked: a host of
    // a fleet of N takes part in some 4N cells, and a union per leg would redo a growing set each time.
    // The walk's leg is named by the stage of its first group; each cut is named by its own.
    private readonly Dictionary<WalkKey, (LegStage Stage, List<(UInt128, UInt128)> Sources, List<(UInt128, UInt128)> Destinations)> _groups = [];

    public void Add(LegRequest request)
    {
        if (!_groups.TryGetValue(request.Group.Walk, out var known)) _groups[request.Group.Walk] = known = (request.Group.Stage, [], []);
        known.Sources.AddRange(request.Sources.Ranges);
        known.Destinations.AddRange(request.Destinations.Ranges);
    }

    public LegAnswers Judge() => new(_groups.ToDictionary(g => g.Key, g =>
    {
        var (sources, destinations) = (IntervalSet.FromRanges(g.Value.Sources), IntervalSet.FromRanges(g.Value.Destinations));
        return new LegAnswers.Walk(rules.Judge(g.Value.Stage, g.Key.Path, g.Key.In, g.Key.Out, sources, destinations, g.Key.State, g.Key.Protocol, g.Key.Port, unreplied: g.Key.Unreplied),
            sources, destinations);
    }));
}

/// <summary>One host's walks, each over every leg of its group; a leg's answer is cut from its group's.</summary>
public sealed class LegAnswers
{
    /// <summary>A group's walk and the addresses it was walked over.</summary>
    internal sealed class Walk(Leg leg, IntervalSet sources, IntervalSet destinations)
    {
        // The last sources asked (Touched), replaced whole: one reference, so a reader never sees half of it.
        private Row? _row;

        private sealed record Row(IntervalSet Sources, (int Piece, IntervalSet Destinations)[] Boxes);

        public Leg Leg => leg;

        public IntervalSet Sources => sources;

        public IntervalSet Destinations => destinations;

        /// <summary>
        /// The walk's boxes that hold some of <paramref name="from"/>, as their piece and destinations:
        /// a row's cells share their sources (one sender's network or container), so the source tests
        /// are made once a row, not once a cell (a fleet of 1,000 asks 2 million).
        /// </summary>
        public (int Piece, IntervalSet Destinations)[] BoxesFrom(IntervalSet from)
        {
            if (_row is { } known && ReferenceEquals(known.Sources, from)) return known.Boxes;
            var boxes = new List<(int, IntervalSet)>();
            for (var i = 0; i < leg.Pieces.Length; i++)
                foreach (var box in leg.Pieces[i].Packets.Boxes)
                    if (!box.IsEmpty && box[Dimension.Src].Overlaps(from)) boxes.Add((i, box[Dimension.Dst]));
            _row = new Row(from, [.. boxes]);
            return _row.Boxes;
        }
    }

    private readonly Dictionary<WalkKey, Walk> _walks;

    internal LegAnswers(Dictionary<WalkKey, Walk> walks) => _walks = walks;

    /// <summary>Whether the leg's group was walked over all of the leg's addresses: then its cut is what the leg alone would get.</summary>
    public bool Covers(LegRequest request) =>
        _walks.TryGetValue(request.Group.Walk, out var walk) && request.Sources.IsSubsetOf(walk.Sources) && request.Destinations.IsSubsetOf(walk.Destinations);

    /// <summary>
    /// Which pieces of the leg's group's walk hold some of the leg's packets (bit i: piece i): the
    /// pieces its cut keeps, found without cutting. Null when the group was not walked or has more
    /// pieces than a mask holds.
    /// </summary>
    public ulong? Touched(LegRequest request)
    {
        if (!_walks.TryGetValue(request.Group.Walk, out var walk) || walk.Leg.Pieces.Length > 64) return null;
        var touched = 0UL;
        foreach (var (piece, destinations) in walk.BoxesFrom(request.Sources))
            if ((touched & (1UL << piece)) == 0 && destinations.Overlaps(request.Destinations)) touched |= 1UL << piece;
        return touched;
    }

    /// <summary>Whether the leg's group was walked: a leg of a group no host walked has no answer.</summary>
    public bool Walked(LegRequest request) => _walks.ContainsKey(request.Group.Walk);

    /// <summary>The leg's own packets of each piece of its group's walk, in the same order; a NATed leg's then said of the original sources. Null when the group was not walked.</summary>
    public Leg? Cut(LegRequest request)
    {
        if (!_walks.TryGetValue(request.Group.Walk, out var walk)) return null;
        var all = walk.Leg with { Stage = request.Group.Stage };
        var pieces = new List<LegPiece>(all.Pieces.Length);
        foreach (var piece in all.Pieces)
        {
            var boxes = piece.Packets.Boxes
                .Select(b => b.With(Dimension.Src, b[Dimension.Src].Intersect(request.Sources)).With(Dimension.Dst, b[Dimension.Dst].Intersect(request.Destinations)))
                .Where(b => !b.IsEmpty)
                .ToArray();
            if (boxes.Length == 0) continue;
            var packets = new PacketSet([.. boxes]);
            if (request.SeenAs is { } seenAs) packets = Neutral.WithSources(packets, seenAs);
            pieces.Add(piece with { Packets = packets });
        }

        return all with { Pieces = [.. pieces] };
    }
}
