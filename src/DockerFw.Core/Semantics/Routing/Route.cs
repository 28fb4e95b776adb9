using System.Collections.Immutable;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Routing;

/// <summary>What a route does with the packets it matches (<c>ip route</c>'s type).</summary>
public enum RouteType
{
    /// <summary>Sent on, out of <see cref="Route.Device"/> (and to <see cref="Route.Gateway"/> when set).</summary>
    Unicast,

    /// <summary>An address of this host: delivered to a local process (INPUT).</summary>
    Local,

    /// <summary>A broadcast address of a connected subnet: delivered locally too.</summary>
    Broadcast,

    /// <summary>blackhole, unreachable, prohibit: routing drops the packet before any filter hook.</summary>
    Unroutable,

    /// <summary>throw: the lookup leaves this table and goes on with the next policy rule (none left: unreachable).</summary>
    Throw,

    /// <summary>An IPv6 anycast address of this host (a subnet-router anycast address when forwarding): delivered locally.</summary>
    Anycast,
}

/// <summary>One route of one routing table, as <c>ip -j route show table all</c> lists it.</summary>
/// <param name="Table">The table it belongs to: <c>local</c>, <c>main</c>, <c>default</c> or a number.</param>
public sealed record Route(RouteType Type, AddressMask Destination, string? Device, UInt128? Gateway, string Table, int Metric)
{
    public IpFamily Family => Destination.Family;

    /// <summary>The devices of a multipath route's nexthops (<c>nexthops</c>); empty for a route of one path (<see cref="Device"/>).</summary>
    public ImmutableArray<string> Nexthops { get; init; } = [];

    /// <summary>
    /// True when the route holds only for some packets of its destination (a <c>tos</c>, or IPv6's
    /// source-specific <c>from</c>): a lookup that ignores the packet's other fields cannot know whether it matched.
    /// </summary>
    public bool Selective { get; init; }

    /// <summary>The route's preferred source (<c>prefsrc</c>): on a connected route the kernel made for an address (<see cref="Kernel"/>), that primary address.</summary>
    public UInt128? PreferredSource { get; init; }

    /// <summary>Made by the kernel for an address (<c>proto kernel</c>): a connected route's subnet holds a primary address of its device.</summary>
    public bool Kernel { get; init; }

    /// <summary>Every device the route's packets may leave by: its nexthops', else its own.</summary>
    public IEnumerable<string> Devices => !Nexthops.IsEmpty ? Nexthops : Device is null ? [] : [Device];

    public override string ToString()
    {
        var dst = Destination.PrefixLength == 0 ? "default" : Destination.ToString();
        var type = Type switch { RouteType.Unicast => "", RouteType.Unroutable => "unroutable ", _ => Type.ToString().ToLowerInvariant() + " " };
        var via = Gateway is { } g ? $" via {IpAddressValue.Format(g, Family)}" : "";
        var dev = Device is null ? "" : $" dev {Device}";
        return $"{type}{dst}{via}{dev} table {Table}";
    }
}
