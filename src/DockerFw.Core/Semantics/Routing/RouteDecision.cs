using System.Collections.Immutable;

namespace DockerFw.Core.Semantics.Routing;

/// <summary>
/// Where the kernel's routing sends a packet: the path (delivered locally, forwarded, sent by a local
/// process), the interfaces it then has, the route that decided, and what could not be known.
/// </summary>
/// <param name="Route">The route that decided; null when none did (the notes say why).</param>
/// <param name="Dropped">Routing itself drops the packet (an unreachable, blackhole or prohibit route, or no route in a complete table): no filter hook sees it.</param>
public sealed record RouteDecision(PacketPath Path, string? In, string? Out, Route? Route, bool Dropped, ImmutableArray<string> Notes)
{
    public string Describe()
    {
        var path = Path switch { PacketPath.Input => "delivered to this host (INPUT)", PacketPath.Output => "sent by this host (OUTPUT)", _ => "forwarded (FORWARD)" };
        var interfaces = string.Join(", ", new[] { In is null ? null : "in " + In, Out is null ? null : "out " + Out }.OfType<string>());
        var by = Route is null ? "" : $" by route {Route}";
        return Dropped ? $"dropped by routing{by}" : $"{path}{(interfaces.Length == 0 ? "" : ", " + interfaces)}{by}";
    }
}
