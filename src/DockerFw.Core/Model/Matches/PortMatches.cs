using System.Collections.Immutable;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Model.Matches;

/// <summary><c>-m tcp|udp|sctp|udplite|dccp --sport/--dport</c>.</summary>
public sealed record PortMatch(AddressField Field, PortRange Range, bool Negated) : Match(Negated)
{
    public override string Option => Field == AddressField.Source ? "--sport" : "--dport";
}

/// <summary><c>-m tcp --tcp-flags MASK COMP</c> (and <c>--syn</c>, which save writes as flags).</summary>
public sealed record TcpFlagsMatch(TcpFlags Mask, TcpFlags Compare, bool Negated) : Match(Negated)
{
    public override string Option => "--tcp-flags";
}

public enum MultiportField
{
    Source,
    Destination,
    Either,
}

/// <summary><c>-m multiport --sports/--dports/--ports</c>.</summary>
public sealed record MultiportMatch(MultiportField Field, ImmutableArray<PortRange> Ranges, bool Negated) : Match(Negated)
{
    public override string Option => Field switch
    {
        MultiportField.Source => "--sports",
        MultiportField.Destination => "--dports",
        _ => "--ports",
    };

    public bool Contains(int port) => Ranges.Any(r => r.Contains(port));
}

/// <summary>
/// <c>-m icmp --icmp-type T[/C]</c> or <c>-m icmp6 --icmpv6-type T[/C]</c>; a null type is "any".
/// </summary>
public sealed record IcmpTypeMatch(IpFamily Family, int? Type, int? Code, bool Negated) : Match(Negated)
{
    public override string Option => Family == IpFamily.V4 ? "--icmp-type" : "--icmpv6-type";

    public string FormatValue() => Type is null ? "any" : Code is null ? $"{Type}" : $"{Type}/{Code}";

    public bool Matches(int type, int code) => Type is null || (Type == type && (Code is null || Code == code));
}
