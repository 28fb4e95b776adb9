using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>A piece of a symbolic answer: packets that meet one region's fate.</summary>
public sealed record Piece(ReachRegion Region, Box Box)
{
    public ReachVerdict Verdict => Region.Verdict;
}

/// <summary>
/// The symbolic questions the audit asks, one pass each with the output (or input) interface left
/// free, and the answer cut per bridge: a region's box lists the interfaces it covers, so one walk
/// answers "from this bridge to every bridge".
/// </summary>
public sealed class SymbolicPasses(AuditInputs inputs)
{
    private readonly Dictionary<string, Dictionary<string, List<Piece>>> _fromBridge = [];
    private readonly Dictionary<string, Dictionary<string, List<Piece>>> _repliesTo = [];
    private Dictionary<string, List<Piece>>? _fromOutside;

    public SymbolicRuleset Rules { get; } = SymbolicRuleset.Compile(
        inputs.Ruleset,
        inputs.Networks.Select(n => new InterfacePattern(n.Bridge)).Append(new InterfacePattern(HostModel.Uplink)),
        inputs.HostModel.LocalAddresses);

    public PacketSpace Space => Rules.Space;

    /// <summary>NEW packets from a network's containers, by the bridge they leave on.</summary>
    public IReadOnlyDictionary<string, List<Piece>> From(AuditedNetwork a)
    {
        if (_fromBridge.TryGetValue(a.Bridge, out var cached)) return cached;
        var query = new ReachQuery(PacketPath.Forward) { In = new InterfacePattern(a.Bridge), Source = a.Subnet, State = ConntrackStates.New };
        return _fromBridge[a.Bridge] = ByInterface(SymbolicEngine.Reach(Rules, query), Dimension.Out);
    }

    /// <summary>Replies (ESTABLISHED) to a network's containers, by the bridge they come from.</summary>
    public IReadOnlyDictionary<string, List<Piece>> RepliesTo(AuditedNetwork a)
    {
        if (_repliesTo.TryGetValue(a.Bridge, out var cached)) return cached;
        var query = new ReachQuery(PacketPath.Forward) { Out = new InterfacePattern(a.Bridge), Destination = a.Subnet, State = ConntrackStates.Established };
        return _repliesTo[a.Bridge] = ByInterface(SymbolicEngine.Reach(Rules, query), Dimension.In);
    }

    /// <summary>NEW packets arriving on any interface that is not a known bridge, by the bridge they leave on.</summary>
    public IReadOnlyDictionary<string, List<Piece>> FromOutside()
    {
        if (_fromOutside is not null) return _fromOutside;
        return _fromOutside = ByInterface(SymbolicEngine.Reach(Rules, PacketPath.Forward, NewFromOutside(Space, inputs, Dimension.In)), Dimension.Out);
    }

    /// <summary>NEW forwarded packets whose given interface is none of the bridges.</summary>
    public static PacketSet NewFromOutside(PacketSpace space, AuditInputs inputs, Dimension side)
    {
        var query = new ReachQuery(PacketPath.Forward) { State = ConntrackStates.New }.ToPacketSet(space);
        var bridges = inputs.Networks.Aggregate(IntervalSet.Single((UInt128)space.Interfaces.NoInterface),
            (s, n) => s.Union(space.Interfaces.Matching(new InterfacePattern(n.Bridge))));
        return query.Intersect(Whole(space).With(side, bridges.Complement(space.MaxOf(side))));
    }

    /// <summary>A box covering the whole space.</summary>
    public Box Whole() => Whole(Space);

    public static Box Whole(PacketSpace space) => new([.. Dimensions.All.Select(space.Full)], BitCubeSet.All);

    /// <summary>The destinations a query about a network's containers covers: its subnet but the gateway, or anything.</summary>
    public IntervalSet ContainerAddresses(AuditedNetwork n) =>
        n.Subnet is null ? Space.Full(Dimension.Dst)
        : IntervalSet.Range(n.Subnet.Bounds.First, n.Subnet.Bounds.Last).Subtract(IntervalSet.Single(n.Gateway));

    /// <summary>The pieces restricted to packets addressed to a network's containers.</summary>
    public List<Piece> ToContainersOf(IEnumerable<Piece> pieces, AuditedNetwork n, Dimension field = Dimension.Dst)
    {
        var allowed = ContainerAddresses(n);
        var result = new List<Piece>();
        foreach (var p in pieces)
        {
            var set = p.Box[field].Intersect(allowed);
            if (!set.IsEmpty) result.Add(p with { Box = p.Box.With(field, set) });
        }

        return result;
    }

    private Dictionary<string, List<Piece>> ByInterface(ReachResult result, Dimension dimension)
    {
        var names = inputs.Networks.ToDictionary(n => Space.Interfaces.SymbolOf(n.Bridge), n => n.Bridge);
        var buckets = new Dictionary<string, List<Piece>>();
        foreach (var region in result.Regions)
            foreach (var box in region.Packets.Boxes)
                foreach (var (first, last) in box[dimension].Ranges)
                    for (var s = first; s <= last; s++)
                    {
                        if (!names.TryGetValue((int)s, out var bridge)) continue;
                        if (!buckets.TryGetValue(bridge, out var list)) buckets[bridge] = list = [];
                        list.Add(new Piece(region, box.With(dimension, IntervalSet.Single(s))));
                    }

        return buckets;
    }
}
