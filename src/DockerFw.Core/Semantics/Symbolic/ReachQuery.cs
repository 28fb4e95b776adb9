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

    public ConntrackStates? State { get; init; }

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
        foreach (var box in space.Universe(Path).Boxes) FlowSplitter.Cut(box, shape, inside, []);
        return new PacketSet([.. inside]);
    }
}
