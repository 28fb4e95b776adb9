using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Evaluation;

/// <summary>
/// nft's <c>ct status dnat</c> or <c>snat</c> (the parser's <c>--ctstatus</c>), firewalld's <c>ct status
/// dnat accept</c> (oracle F29): the connection's status bit, set when nat changed the tuple, which
/// <c>--ctstate DNAT/SNAT</c> reads too (oracle F45). A packet's state carries its connection's bits (a
/// later packet's and a reply's are their first packet's; a NEW packet's those nat set on its way), so
/// the test reads them, except where a DNAT on this way may have kept the destination (the new address
/// or port a range holding the old one): undecided. A packet without a connection (UNTRACKED, INVALID)
/// has none: nft's <c>ct status</c> breaks the rule, negated or not (iptables' <c>--ctstatus</c> has no
/// DNAT). As the symbolic walk decides it (<c>FlowSplitter</c>), so the two engines agree.
/// </summary>
internal sealed class NatStatusCondition(ConntrackStates bit, bool negated) : Condition
{
    private const ConntrackStates Virtual = ConntrackStates.Snat | ConntrackStates.Dnat;

    public override Truth Test(Branch p, EvaluationContext context)
    {
        if ((p.State & ~Virtual) is ConntrackStates.Untracked or ConntrackStates.Invalid)
            return Truth.False;
        if (bit == ConntrackStates.Dnat && (p.State & ~Virtual) == ConntrackStates.New && !p.IsReply && p.DestinationNatted
            && (p.State & ConntrackStates.Dnat) != 0 && !Moved(p))
            return Truth.Maybe;
        return TruthExtensions.From((p.State & bit) != 0).NegateIf(negated);
    }

    /// <summary>Whether this way's DNAT surely moved the destination: the new address or port cannot be the one it arrived with.</summary>
    private static bool Moved(Branch p)
    {
        var original = p.Original;
        return p.NatDestinations is { } to && (original.Destination < to.First || original.Destination > to.Last)
               || p.NatPorts is { } ports && original.PortsKnown && original.DestinationPort is { } port && !ports.Contains(port);
    }

    public override string Doubt => $"--ctstatus {(bit == ConntrackStates.Dnat ? "DNAT" : "SNAT")} is the connection's history (decided for NEW packets by the NAT on their way)";
}
