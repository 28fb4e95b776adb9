using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>One box a rule's conditions describe, stored sparsely: only the dimensions it constrains.</summary>
internal sealed record RuleShape((Dimension Dimension, IntervalSet Set)[] Constraints, BitCubeSet? Mark)
{
    public static RuleShape Anything { get; } = new([], null);

    /// <summary>
    /// Conditions on the packet as it arrived, never pulled through NAT nor hidden where a hook has no
    /// such interface: conntrack's original tuple (<c>--ctorigdst</c>, <c>--ctorigdstport</c>) of a NEW
    /// packet, whose connection it created (<see cref="OriginalTupleConditions"/>), and the interfaces
    /// that tell a physdev match (<see cref="BridgePortConditions"/>: br_netfilter keeps the ports).
    /// </summary>
    public (Dimension Dimension, IntervalSet Set)[] Arrival { get; init; } = [];

    /// <summary>Every condition a cut applies: the pulled ones, then those in arrival terms.</summary>
    public (Dimension Dimension, IntervalSet Set)[] Cuts => Arrival.Length == 0 ? Constraints : [.. Constraints, .. Arrival];

    /// <summary>
    /// The shape narrowed to <paramref name="set"/> on one dimension (intersected with what it already
    /// holds there), interface constraints kept first as the compiler orders them: on a Docker host
    /// they tell most rules apart, so a miss costs one test.
    /// </summary>
    public RuleShape With(Dimension d, IntervalSet set)
    {
        var existing = Constraints.Where(c => c.Dimension == d).Select(c => c.Set).FirstOrDefault();
        return this with
        {
            Constraints = [.. Constraints.Where(c => c.Dimension != d).Append((Dimension: d, Set: existing is null ? set : existing.Intersect(set)))
                .OrderBy(c => c.Dimension is Dimension.In or Dimension.Out ? 0 : 1)],
        };
    }
}

/// <summary>
/// A rule ready for the symbolic walk: the packets it matches as disjoint <see cref="RuleShape"/>s
/// (none: it never matches), the reason when some condition cannot be decided from the dump (then the
/// shapes bound where it may match), and what its target does.
/// </summary>
internal sealed record CompiledRule(ResponsibleRule Ref, Rule Source, RuleShape[] Shapes, string? Doubt, TargetAction Action)
{
    /// <summary>Whether some shape tests the dimension (In, Out): hooks without that interface compare the empty name.</summary>
    public bool Tests(Dimension d) => d == Dimension.In ? _testsIn : _testsOut;

    /// <summary>
    /// nft's <c>ct status dnat</c> or <c>snat</c> (the parser's <c>--ctstatus</c>), firewalld's <c>ct
    /// status dnat accept</c>: the connection's status bit, which <see cref="Doubt"/> names where the
    /// walk cannot decide it (<see cref="FlowSplitter"/> decides the rest).
    /// </summary>
    public NatStatus? NatStatus { get; init; }

    /// <summary>
    /// The part of <see cref="Shapes"/> where <see cref="Doubt"/> holds, when it does not hold in all of
    /// them (the reverse-path check left open for some sources only: <see cref="HostKnowledge.ReversePath"/>);
    /// null: the doubt, if any, holds everywhere. The rule matches the rest certainly.
    /// </summary>
    public RuleShape[]? Doubtful { get; init; }

    /// <summary><c>-m connmark --mark</c>: decided by the connection mark the walk knows (<see cref="ConnectionMarks"/>).</summary>
    public ConnectionMarkTest? ConnectionMark { get; init; }

    /// <summary>Whether the rule's conditions but its connection mark test are in doubt (that one is decided per flow).</summary>
    public bool OwnDoubt => ConnectionMark is { } test ? test.OtherDoubt : Doubt is not null;

    /// <summary>
    /// The rule's <c>--ctdir</c>/<c>--ctorig*</c> conditions when they are its only doubt, left open in
    /// <see cref="Doubtful"/>: a walk told its packets' connection (<see cref="ToldConnection"/>) decides them there.
    /// </summary>
    public OriginalTupleConditions? OriginalTuple { get; init; }

    private readonly bool _testsIn = Shapes.Any(s => s.Constraints.Any(c => c.Dimension == Dimension.In));
    private readonly bool _testsOut = Shapes.Any(s => s.Constraints.Any(c => c.Dimension == Dimension.Out));
}

/// <summary>
/// A test of a connection's NAT status bit (<see cref="Bit"/>: DNAT or SNAT; <see cref="Wanted"/>: set,
/// or, negated, clear). <see cref="OtherDoubt"/>: the rule has another undecidable match besides.
/// </summary>
internal sealed record NatStatus(ConntrackStates Bit, bool Wanted, bool OtherDoubt)
{
    // Worded as before F45's status was decided for later packets: the doubt of a rule left undecided.
    public string Doubt => $"--ctstatus {(Bit == ConntrackStates.Dnat ? "DNAT" : "SNAT")} is the connection's history (decided for NEW packets by the NAT on their way)";
}

internal enum ActionKind
{
    Continue,
    Accept,
    Drop,
    Reject,
    Return,
    Jump,
    Goto,
    Mark,
    ConnectionMark,
    Untrack,
    Dnat,
    Snat,
    Undecided,
}

/// <summary>A target reduced to what the walk needs.</summary>
internal sealed record TargetAction(ActionKind Kind)
{
    public string? Chain { get; init; }

    public uint Value { get; init; }

    public uint Mask { get; init; }

    /// <summary>DNAT/REDIRECT: the destinations and ports it may choose; null keeps the field.</summary>
    public IntervalSet? NatDestination { get; init; }

    public IntervalSet? NatPort { get; init; }

    /// <summary>MASQUERADE (output) and REDIRECT (input): the interfaces with an address; null when unknown.</summary>
    public IntervalSet? Interfaces { get; init; }

    public string? Reason { get; init; }

    /// <summary>CONNMARK: what it does to the connection and packet marks (a shift: not modelled, both unknown).</summary>
    public Evaluation.RuleAction? Connmark { get; init; }
}
