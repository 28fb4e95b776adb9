using System.Collections.Immutable;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Model.Targets;

/// <summary>
/// A NAT range: <c>A[-B][:P[-Q]]</c>, IPv6 addresses in brackets when a port follows. Either part
/// may be absent (<c>:80</c> keeps the address).
/// </summary>
public sealed record NatRange(IpFamily Family, UInt128? First, UInt128? Last, PortRange? Ports)
{
    public string Format()
    {
        var text = "";
        if (First is { } first)
        {
            var a = IpAddressValue.Format(first, Family);
            if (Last is { } last && last != first) a += "-" + IpAddressValue.Format(last, Family);
            text = Family == IpFamily.V6 && Ports is not null ? $"[{a}]" : a;
        }

        if (Ports is not null) text += ":" + Ports.Format('-');
        return text;
    }

    public override string ToString() => Format();
}

/// <summary><c>-j DNAT --to-destination RANGE</c>.</summary>
public sealed record DnatTarget(NatRange? To, ImmutableArray<string> Flags) : Target
{
    public override string Name => "DNAT";

    public override bool IsTerminating => true;
}

/// <summary><c>-j SNAT --to-source RANGE</c>.</summary>
public sealed record SnatTarget(NatRange? To, ImmutableArray<string> Flags) : Target
{
    public override string Name => "SNAT";

    public override bool IsTerminating => true;
}

/// <summary><c>-j MASQUERADE [--to-ports P[-Q]]</c>.</summary>
public sealed record MasqueradeTarget(PortRange? ToPorts, ImmutableArray<string> Flags) : Target
{
    public override string Name => "MASQUERADE";

    public override bool IsTerminating => true;
}

/// <summary><c>-j REDIRECT [--to-ports P[-Q]]</c>: DNAT to the host itself.</summary>
public sealed record RedirectTarget(PortRange? ToPorts, ImmutableArray<string> Flags) : Target
{
    public override string Name => "REDIRECT";

    public override bool IsTerminating => true;
}
