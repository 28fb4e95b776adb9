using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// A set of packets described the way <c>dockerfw reach</c> takes it: a path and optional constraints;
/// what is left out is unconstrained (every packet the path allows).
/// </summary>
public sealed record ReachQuery(PacketPath Path)
{
    public InterfacePattern? In { get; init; }

    public InterfacePattern? Out { get; init; }

    public AddressMask? Source { get; init; }

    public AddressMask? Destination { get; init; }

    public Protocol? Protocol { get; init; }

    /// <summary>
    /// The states on arrival; an ICMP type is only in the states conntrack can give it (the space's,
    /// <see cref="PacketSpace.Universe"/>: NEW ICMP is its queries alone).
    /// </summary>
    public ConntrackStates? State { get; init; }

    /// <summary>
    /// TCP packets only as a client opens a connection: flags exactly SYN (what connect() sends); other
    /// protocols as they are. A NEW packet is not always one (conntrack picks up a connection from a bare
    /// ACK when nf_conntrack_tcp_loose is 1, the default), so "a connection" asks this, not the state alone.
    /// </summary>
    public bool Opening { get; init; }

    /// <summary>
    /// Packets of any mark rather than those that arrive (mark 0, <see cref="PacketSpace.ArrivalMark"/>):
    /// reach's own question, whose answer names the marks a rule tells apart.
    /// </summary>
    public bool AnyMark { get; init; }

    /// <summary>The flags of the packet that opens a TCP connection (<see cref="Opening"/>).</summary>
    public static IntervalSet OpeningFlags { get; } = FlagsOrder.Of([(int)TcpFlags.Syn]);

    /// <summary>Interface names and patterns the query mentions, for the alphabet.</summary>
    public IEnumerable<InterfacePattern> Interfaces => new[] { In, Out }.OfType<InterfacePattern>();

    public PacketSet ToPacketSet(PacketSpace space)
    {
        var constraints = new List<(Dimension, IntervalSet)>();
        if (In is not null) constraints.Add((Dimension.In, space.Interfaces.Matching(In)));
        if (Out is not null) constraints.Add((Dimension.Out, space.Interfaces.Matching(Out)));
        if (Source is not null && RuleCompiler.Intervals(Source) is { } src) constraints.Add((Dimension.Src, src));
        if (Destination is not null && RuleCompiler.Intervals(Destination) is { } dst) constraints.Add((Dimension.Dst, dst));
        if (Protocol is { IsAll: false } p) constraints.Add((Dimension.Proto, IntervalSet.Single((UInt128)p.Number)));
        if (State is { } s) constraints.Add((Dimension.State, RuleCompiler.States(s)));
        var shape = new RuleShape([.. constraints], null);
        var inside = new List<Box>();
        foreach (var box in space.Universe(Path, AnyMark).Boxes) FlowSplitter.Cut(box, shape, inside, []);
        // ICMP's messages are only those conntrack gives their states (an echo reply is never NEW:
        // IcmpStates, oracle F39): the space holds no other, so no question does, asked in a state or not.
        return new PacketSet([.. Opening ? inside.SelectMany(OnlyOpening) : inside]);
    }

    // The TCP part keeps the opening flags, the other protocols stay one box as they were.
    private static IEnumerable<Box> OnlyOpening(Box box)
    {
        var tcp = IntervalSet.Single((UInt128)Model.Values.Protocol.Tcp);
        if (!box[Dimension.Proto].Overlaps(tcp)) return [box];
        var opening = box.With(Dimension.Proto, tcp).With(Dimension.TcpFlags, box[Dimension.TcpFlags].Intersect(OpeningFlags));
        var others = box[Dimension.Proto].Subtract(tcp);
        return others.IsEmpty ? [opening] : [box.With(Dimension.Proto, others), opening];
    }
}
