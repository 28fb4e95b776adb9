using System.Collections.Immutable;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Evaluation;

/// <summary>
/// <c>--ctstate</c> / <c>--state</c>: holds when the packet's state shares a bit with the list. The
/// state module knows only the five base states; SNAT and DNAT are conntrack's "virtual" states.
/// </summary>
internal sealed class ConntrackStateCondition(ConntrackStates states, bool negated, bool stateModule) : Condition
{
    private const ConntrackStates Virtual = ConntrackStates.Snat | ConntrackStates.Dnat;

    public override Truth Test(Branch p, EvaluationContext context)
    {
        var packet = stateModule ? p.State & ~Virtual : p.State;
        return TruthExtensions.From((packet & states) != 0).NegateIf(negated);
    }
}

/// <summary>
/// <c>-m mark --mark</c> / <c>-m connmark --mark</c>. Without a connection (INVALID, UNTRACKED)
/// connmark is false whether negated or not, as in connmark_mt.
/// </summary>
internal sealed class MarkCondition(MarkMask value, bool negated, bool connection) : Condition
{
    public override Truth Test(Branch p, EvaluationContext context)
    {
        if (connection && !p.HasConntrack) return Truth.False;
        if (!p.Knows(connection ? PacketFields.ConnMark : PacketFields.Mark)) return Truth.Maybe;
        return TruthExtensions.From(value.Matches(connection ? p.ConnMark : p.Mark)).NegateIf(negated);
    }

    public override string Doubt => connection ? "connection mark unknown" : "packet mark unknown";
}

/// <summary>
/// <c>-m set --match-set NAME DIRS</c>: exact when the context lists the set's members. A set that
/// tests one address reads the first direction alone (ip_set_test reads as many as the set has
/// parts); a set of tuples reads one direction per part (<see cref="IpSets.IpSetTuples.Under"/>).
/// A list matches when one of the sets it holds does.
/// </summary>
internal sealed class SetCondition(SetMatch match, bool returnNoMatch) : Condition
{
    public override Truth Test(Branch p, EvaluationContext context)
    {
        if (!context.IpSets.TryGetValue(match.SetName, out var members)) return Truth.Maybe;
        if (returnNoMatch && members.HoldsAddressSets) return Truth.Maybe;
        var held = Addresses(p, members.Addresses);
        foreach (var set in members.Under(match.Directions, returnNoMatch))
            if (TupleSetTest.Holds(set, p) is var one && one > held) held = one;
        return held.NegateIf(match.Negated);
    }

    private Truth Addresses(Branch p, System.Collections.Immutable.ImmutableArray<AddressMask> members)
    {
        if (members.IsEmpty) return Truth.False;
        var source = match.Directions[0] == AddressField.Source;
        if (!p.Knows(source ? PacketFields.Source : PacketFields.Destination)) return Truth.Maybe;
        var address = source ? p.Source : p.Destination;
        foreach (var m in members)
            if (m.Family == p.Family && m.Contains(address)) return Truth.True;
        return Truth.False;
    }

    public override string Doubt => DoubtIn(new EvaluationContext());

    // Why is the listing's (IpSetGaps, the members' key comparer): none given, not in it, unread, changed by the rules.
    public override string DoubtIn(EvaluationContext context) =>
        !context.IpSets.ContainsKey(match.SetName) ? $"the members of ipset {match.SetName} are not known: {IpSets.IpSetGaps.Why(match.SetName, context.IpSets.KeyComparer)}"
        : returnNoMatch && context.IpSets[match.SetName].HoldsAddressSets ? IpSets.SetMatchOptions.NoMatchOfAddresses
        : "a field of the tuple unknown after NAT";
}

/// <summary>
/// <c>-m physdev</c>, following physdev_mt: without bridge-port information every option is false
/// (so a negated one holds); with it, <c>--physdev-in</c> holds when no input port is known, and
/// <c>--physdev-out</c> never holds without an output port (a frame routed out of the bridge, or
/// before the bridge decided), negated or not — as the kernel showed (KernelCases).
/// </summary>
internal sealed class PhysdevCondition(Match match) : Condition
{
    public override Truth Test(Branch p, EvaluationContext context)
    {
        if (!p.BridgeInfo) return Truth.False.NegateIf(match.Negated);
        var inPort = p.PhysIn;
        var outPort = p.PhysOutView;
        return match switch
        {
            PhysdevFlagMatch { Flag: PhysdevFlag.IsBridged } => TruthExtensions.From(outPort is not null).NegateIf(match.Negated),
            PhysdevFlagMatch { Flag: PhysdevFlag.IsIn } => TruthExtensions.From(inPort is not null).NegateIf(match.Negated),
            PhysdevFlagMatch => TruthExtensions.From(outPort is not null).NegateIf(match.Negated),
            PhysdevInterfaceMatch { Direction: Direction.In } m =>
                inPort is null ? Truth.True : TruthExtensions.From(m.Value.Matches(inPort)).NegateIf(m.Negated),
            PhysdevInterfaceMatch m =>
                outPort is null ? Truth.False : TruthExtensions.From(m.Value.Matches(outPort)).NegateIf(m.Negated),
            _ => Truth.Maybe,
        };
    }
}
