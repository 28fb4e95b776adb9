using System.Collections.Immutable;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Model.Matches;

/// <summary><c>-m conntrack --ctstate</c> or its alias <c>-m state --state</c>.</summary>
public sealed record ConntrackStateMatch(ConntrackStates States, bool Negated, bool StateModule = false) : Match(Negated)
{
    public override string Option => StateModule ? "--state" : "--ctstate";
}

/// <summary><c>-m mark --mark</c> or <c>-m connmark --mark</c>.</summary>
public sealed record MarkMatch(MarkMask Value, bool Negated, bool Connection = false) : Match(Negated)
{
    public override string Option => "--mark";
}

/// <summary><c>-m addrtype --src-type/--dst-type T[,T]</c>.</summary>
public sealed record AddrTypeMatch(AddressField Field, ImmutableArray<string> Types, bool Negated) : Match(Negated)
{
    public override string Option => Field == AddressField.Source ? "--src-type" : "--dst-type";
}

/// <summary><c>-m set --match-set NAME src,dst</c>; the members are in the kernel, not the dump.</summary>
public sealed record SetMatch(string SetName, ImmutableArray<AddressField> Directions, bool Negated) : Match(Negated)
{
    public override string Option => "--match-set";

    public string FormatDirections() =>
        string.Join(',', Directions.Select(d => d == AddressField.Source ? "src" : "dst"));
}

/// <summary><c>-m iprange --src-range/--dst-range A-B</c>.</summary>
public sealed record IpRangeMatch(AddressField Field, IpFamily Family, UInt128 First, UInt128 Last, bool Negated) : Match(Negated)
{
    public override string Option => Field == AddressField.Source ? "--src-range" : "--dst-range";

    public string FormatValue() => $"{IpAddressValue.Format(First, Family)}-{IpAddressValue.Format(Last, Family)}";
}

/// <summary><c>-m physdev --physdev-in/--physdev-out IF</c>: the bridge port, seen only via br_netfilter.</summary>
public sealed record PhysdevInterfaceMatch(Direction Direction, InterfacePattern Value, bool Negated) : Match(Negated)
{
    public override string Option => Direction == Direction.In ? "--physdev-in" : "--physdev-out";
}

public enum PhysdevFlag
{
    IsIn,
    IsOut,
    IsBridged,
}

/// <summary><c>-m physdev --physdev-is-in/--physdev-is-out/--physdev-is-bridged</c>.</summary>
public sealed record PhysdevFlagMatch(PhysdevFlag Flag, bool Negated) : Match(Negated)
{
    public override string Option => Flag switch
    {
        PhysdevFlag.IsIn => "--physdev-is-in",
        PhysdevFlag.IsOut => "--physdev-is-out",
        _ => "--physdev-is-bridged",
    };
}
