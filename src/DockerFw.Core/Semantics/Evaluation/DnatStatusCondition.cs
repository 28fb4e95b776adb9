using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Evaluation;

/// <summary>
/// <c>-m conntrack --ctstatus DNAT</c>, firewalld's <c>ct status dnat accept</c> (oracle F29): the
/// connection's destination was translated. A NEW packet's connection is the one it is creating, so
/// its status is the way it took: no nat chain rewrote its destination, not DNATed; one moved it
/// (the new address or port cannot be the one it arrived with), DNATed; one that may have kept it is
/// undecided (the kernel sets the bit only when the tuple changes). A later packet's status is its
/// first packet's, which a trace does not hold: undecided. A packet without a connection (UNTRACKED,
/// INVALID) has none: nft's <c>ct status</c> breaks the rule, negated or not (iptables' <c>--ctstatus</c>
/// has no DNAT). As the symbolic walk decides it (<c>FlowSplitter</c>), so the two engines agree.
/// </summary>
internal sealed class DnatStatusCondition(bool negated) : Condition
{
    private const ConntrackStates Virtual = ConntrackStates.Snat | ConntrackStates.Dnat;

    public override Truth Test(Branch p, EvaluationContext context)
    {
        if ((p.State & ~Virtual) is ConntrackStates.Untracked or ConntrackStates.Invalid)
            return Truth.False;
        if ((p.State & ~Virtual) != ConntrackStates.New || p.IsReply) return Truth.Maybe;
        if (!p.DestinationNatted) return Truth.False.NegateIf(negated);
        var original = p.Original;
        var moved = p.NatDestinations is { } to && (original.Destination < to.First || original.Destination > to.Last)
                    || p.NatPorts is { } ports && original.PortsKnown && original.DestinationPort is { } port && !ports.Contains(port);
        return moved ? Truth.True.NegateIf(negated) : Truth.Maybe;
    }

    public override string Doubt => "--ctstatus DNAT is the connection's history (decided for NEW packets by the NAT on their way)";
}
