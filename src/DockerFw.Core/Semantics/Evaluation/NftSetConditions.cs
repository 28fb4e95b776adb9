using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Evaluation;

/// <summary>
/// nft <c>ip saddr @set</c>, <c>ip daddr { A, B/n, C-D }</c>, negated with <c>!=</c>: one of the members
/// (or none). A packet of the other family never matches: <c>ip saddr</c> implies IPv4, as nft's
/// payload dependency does in an <c>inet</c> table.
/// </summary>
internal sealed class AddressSetCondition(AddressSetMatch match) : Condition
{
    public override Truth Test(Branch p, EvaluationContext context)
    {
        if (p.Family != match.Family) return Truth.False;
        if (!p.Knows(match.Field == AddressField.Source ? PacketFields.Source : PacketFields.Destination)) return Truth.Maybe;
        return TruthExtensions.From(match.Contains(match.Field == AddressField.Source ? p.Source : p.Destination)).NegateIf(match.Negated);
    }

    public override string Doubt => "address unknown after NAT";
}

/// <summary>nft <c>iifname @set</c> of several names: the device matches one of them.</summary>
internal sealed class InterfaceSetCondition(InterfaceSetMatch match) : Condition
{
    public override Truth Test(Branch p, EvaluationContext context) =>
        TruthExtensions.From(match.Members.Any(m => m.Matches(match.Direction == Direction.In ? p.InView : p.OutView)));
}

/// <summary>nft <c>icmp type { a, b }</c> (or <c>icmpv6</c>): the protocol is ICMP of the match's family and the type one of the set.</summary>
internal sealed class IcmpTypeSetCondition(IcmpTypeSetMatch match) : Condition
{
    public override Truth Test(Branch p, EvaluationContext context)
    {
        if (p.Fragment || p.Protocol != ProtocolNumbers.IcmpOf(match.Family)) return Truth.False;
        if (p.IcmpType is not { } type) return Truth.Maybe;
        return TruthExtensions.From(match.Types.Contains(type)).NegateIf(match.Negated);
    }

    public override string Doubt => "ICMP type not given";
}

/// <summary>nft <c>meta l4proto { tcp, udp }</c>: the protocol is one of the members.</summary>
internal sealed class ProtocolSetCondition(ProtocolSetMatch match) : Condition
{
    public override Truth Test(Branch p, EvaluationContext context) =>
        TruthExtensions.From(match.Members.Any(m => m.Number == p.Protocol));
}
