namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// The header fields a packet set constrains, each an <see cref="IntervalSet"/>; the mark is the
/// separate <see cref="BitCubeSet"/> of a <see cref="Box"/>. Packets without ports carry port 0, packets
/// other than ICMP carry ICMP type 0, packets other than TCP carry TCP flags 0, so every packet is one
/// point of the space.
/// </summary>
public enum Dimension
{
    Src,
    Dst,
    Proto,
    Sport,
    Dport,
    IcmpType,
    State,
    In,
    Out,

    /// <summary>
    /// Byte 13 of the TCP header, the one xt_tcpudp compares with <c>--tcp-flags</c>, its bits in
    /// <see cref="FlagsOrder"/>'s order: last, so that a box no rule cuts on flags is cut exactly as
    /// before (a subtraction's pieces follow this order).
    /// </summary>
    TcpFlags,
}

public static class Dimensions
{
    public const int Count = 10;

    public static IReadOnlyList<Dimension> All { get; } = Enum.GetValues<Dimension>();

    /// <summary>The name a box uses in reach's JSON.</summary>
    public static string JsonName(this Dimension d) => d switch
    {
        Dimension.Src => "src",
        Dimension.Dst => "dst",
        Dimension.Proto => "proto",
        Dimension.Sport => "sport",
        Dimension.Dport => "dport",
        Dimension.IcmpType => "icmpType",
        Dimension.State => "state",
        Dimension.In => "in",
        Dimension.TcpFlags => "flags",
        _ => "out",
    };
}
