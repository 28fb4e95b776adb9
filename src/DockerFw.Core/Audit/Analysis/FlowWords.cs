namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// An allowed flow in a finding's words: <c>tcp/80</c>, <c>udp</c>, <c>icmp type 13</c>, <c>all</c>, with
/// its sources, source ports, destinations and the interfaces it leaves by when narrowed (<c>all from any
/// but 172.30.10.2 to 172.30.12.0/24</c>, <c>all via eth0</c>).
/// </summary>
public static class FlowWords
{
    public static string Of(AllowedFlow f)
    {
        var what = (f.Ports is null ? f.Protocol : $"{f.Protocol}/{f.Ports}") + (f.IcmpTypes is null ? "" : $" {IcmpTypes(f.IcmpTypes)}");
        var to = (f.Destinations is null ? "" : $" to {f.Destinations}") + (f.Via is null ? "" : $" via {f.Via}");
        var from = (f.Sources is null ? "" : $" from {f.Sources}") + (f.SourcePorts is null ? "" : $" {SourcePorts(f.SourcePorts)}");
        var kind = f.Kind switch
        {
            ReplyFate.OneWay => " (one-way: replies blocked)",
            ReplyFate.OpeningOnly => " (opening-only: later packets blocked)",
            _ => "",
        };
        var maybe = f.Possible ? " (possibly)" : "";
        return what + from + to + kind + maybe;
    }

    /// <summary><c>from source port 5432</c>, <c>from source ports 0-20989,20991-65535</c>.</summary>
    public static string SourcePorts(string ports) =>
        ports.Contains(',', StringComparison.Ordinal) || ports.Contains('-', StringComparison.Ordinal) ? $"from source ports {ports}" : $"from source port {ports}";

    /// <summary><c>type 13</c>, <c>types 8,15,17</c>.</summary>
    public static string IcmpTypes(string types) =>
        types.Contains(',', StringComparison.Ordinal) || types.Contains('-', StringComparison.Ordinal) ? $"types {types}" : $"type {types}";
}
