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

    /// <summary>blackhole, unreachable, prohibit, throw: routing drops the packet before any filter hook.</summary>
    Unroutable,
}

/// <summary>One route of one routing table, as <c>ip -j route show table all</c> lists it.</summary>
/// <param name="Table">The table it belongs to: <c>local</c>, <c>main</c>, <c>default</c> or a number.</param>
public sealed record Route(RouteType Type, AddressMask Destination, string? Device, UInt128? Gateway, string Table, int Metric)
{
    public IpFamily Family => Destination.Family;

    public override string ToString()
    {
        var dst = Destination.PrefixLength == 0 ? "default" : Destination.ToString();
        var type = Type switch { RouteType.Unicast => "", RouteType.Unroutable => "unroutable ", _ => Type.ToString().ToLowerInvariant() + " " };
        var via = Gateway is { } g ? $" via {IpAddressValue.Format(g, Family)}" : "";
        var dev = Device is null ? "" : $" dev {Device}";
        return $"{type}{dst}{via}{dev} table {Table}";
    }
}
