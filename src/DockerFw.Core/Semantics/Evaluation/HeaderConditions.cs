using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Evaluation;

/// <summary><c>-s</c>/<c>-d</c>: <c>(addr &amp; mask) == value</c>, non-contiguous masks included.</summary>
internal sealed class AddressCondition(AddressField side, AddressMask value, bool negated) : Condition
{
    private readonly UInt128 _mask = value.Mask, _value = value.Address;

    public override Truth Test(Branch p, EvaluationContext context)
    {
        // nft's `ip daddr` in an inet table carries `meta nfproto ipv4`: a packet of the other family
        // never matches, negated or not (an iptables rule's addresses are always its table's family).
        if (p.Family != value.Family) return Truth.False;
        var known = p.Knows(side == AddressField.Source ? PacketFields.Source : PacketFields.Destination);
        if (!known) return _mask == 0 ? Truth.True.NegateIf(negated) : Truth.Maybe;
        var address = side == AddressField.Source ? p.Source : p.Destination;
        return TruthExtensions.From((address & _mask) == _value).NegateIf(negated);
    }

    public override string Doubt => $"{(side == AddressField.Source ? "source" : "destination")} address unknown after NAT";
}

/// <summary><c>-m iprange --src-range/--dst-range</c>.</summary>
internal sealed class AddressRangeCondition(AddressField side, IpFamily family, UInt128 first, UInt128 last, bool negated) : Condition
{
    public override Truth Test(Branch p, EvaluationContext context)
    {
        if (p.Family != family) return Truth.False;
        if (!p.Knows(side == AddressField.Source ? PacketFields.Source : PacketFields.Destination)) return Truth.Maybe;
        var address = side == AddressField.Source ? p.Source : p.Destination;
        return TruthExtensions.From(address >= first && address <= last).NegateIf(negated);
    }

    public override string Doubt => "address unknown after NAT";
}

/// <summary><c>-i</c>/<c>-o</c>: a trailing <c>+</c> is a prefix; a hook without the device compares "".</summary>
internal sealed class InterfaceCondition(Direction direction, InterfacePattern pattern, bool negated) : Condition
{
    public override Truth Test(Branch p, EvaluationContext context) =>
        TruthExtensions.From(pattern.Matches(direction == Direction.In ? p.InView : p.OutView)).NegateIf(negated);
}

/// <summary><c>-p</c>; protocol 0 (<c>all</c>) is no condition at all, even negated, as in ip_packet_match.</summary>
internal sealed class ProtocolCondition(int protocol, bool negated) : Condition
{
    public override Truth Test(Branch p, EvaluationContext context) =>
        protocol == 0 ? Truth.True : TruthExtensions.From(p.Protocol == protocol).NegateIf(negated);
}

/// <summary><c>-f</c>: second and later fragments.</summary>
internal sealed class FragmentCondition(bool negated) : Condition
{
    public override Truth Test(Branch p, EvaluationContext context) => TruthExtensions.From(p.Fragment).NegateIf(negated);
}
