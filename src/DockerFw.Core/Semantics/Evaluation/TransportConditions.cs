using System.Collections.Immutable;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Evaluation;

/// <summary>Shared rules of the port matches: a fragment after the first never matches, negated or not.</summary>
internal static class Ports
{
    public static Truth Test(Branch p, AddressField side, Func<int, bool> contains, bool negated)
    {
        if (p.Fragment || !ProtocolNumbers.HasPorts(p.Protocol)) return Truth.False;
        var port = side == AddressField.Source ? p.SourcePort : p.DestinationPort;
        var known = p.Knows(side == AddressField.Source ? PacketFields.SourcePort : PacketFields.DestinationPort);
        if (!known || port is null) return Truth.Maybe;
        return TruthExtensions.From(contains(port.Value)).NegateIf(negated);
    }
}

/// <summary><c>-m tcp|udp|sctp --sport/--dport</c>.</summary>
internal sealed class PortCondition(AddressField side, PortRange range, bool negated) : Condition
{
    public override Truth Test(Branch p, EvaluationContext context) =>
        range.IsAll && !p.Fragment && ProtocolNumbers.HasPorts(p.Protocol)
            ? Truth.True.NegateIf(negated)
            : Ports.Test(p, side, range.Contains, negated);

    public override string Doubt => $"{(side == AddressField.Source ? "source" : "destination")} port not given";
}

/// <summary><c>-m multiport --sports/--dports/--ports</c>; <c>--ports</c> holds when either port is listed.</summary>
internal sealed class MultiportCondition(MultiportField side, ImmutableArray<PortRange> ranges, bool negated) : Condition
{
    private bool Contains(int port)
    {
        foreach (var r in ranges)
            if (r.Contains(port)) return true;
        return false;
    }

    public override Truth Test(Branch p, EvaluationContext context)
    {
        if (side != MultiportField.Either)
            return Ports.Test(p, side == MultiportField.Source ? AddressField.Source : AddressField.Destination, Contains, negated);
        var source = Ports.Test(p, AddressField.Source, Contains, false);
        var destination = Ports.Test(p, AddressField.Destination, Contains, false);
        if (source == Truth.True || destination == Truth.True) return Truth.True.NegateIf(negated);
        if (source == Truth.False && destination == Truth.False)
            return p.Fragment || !ProtocolNumbers.HasPorts(p.Protocol) ? Truth.False : Truth.False.NegateIf(negated);
        return Truth.Maybe;
    }

    public override string Doubt => "port not given";
}

/// <summary><c>-m tcp --tcp-flags MASK COMP</c>: <c>(flags &amp; MASK) == COMP</c>.</summary>
internal sealed class TcpFlagsCondition(TcpFlags mask, TcpFlags compare, bool negated) : Condition
{
    public override Truth Test(Branch p, EvaluationContext context)
    {
        if (p.Fragment || p.Protocol != Protocol.Tcp) return Truth.False;
        return TruthExtensions.From((p.TcpFlags & mask) == compare).NegateIf(negated);
    }
}

/// <summary><c>-m icmp --icmp-type</c> / <c>-m icmp6 --icmpv6-type</c>; a missing code is 0.</summary>
internal sealed class IcmpTypeCondition(IcmpTypeMatch match) : Condition
{
    public override Truth Test(Branch p, EvaluationContext context)
    {
        if (p.Fragment || p.Protocol != ProtocolNumbers.IcmpOf(match.Family)) return Truth.False;
        if (match.Type is null) return Truth.True.NegateIf(match.Negated);
        if (p.IcmpType is not { } type) return Truth.Maybe;
        return TruthExtensions.From(match.Matches(type, p.IcmpCode ?? 0)).NegateIf(match.Negated);
    }

    public override string Doubt => "ICMP type not given";
}
