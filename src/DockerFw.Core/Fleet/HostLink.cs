using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Fleet;

/// <summary>
/// One network device of a host as <c>ip -d -j link show</c> lists it: what fleet needs of it, its
/// kind (<c>bridge</c>, <c>veth</c>, <c>gre</c>, <c>gretap</c>, <c>vxlan</c>...), MTU, the bridge it is a
/// port of, and a tunnel's underlay ends.
/// </summary>
/// <param name="Kind">linkinfo's info_kind; null for a plain device (a physical NIC, loopback).</param>
/// <param name="Master">The bridge (or other master) this device is enslaved to, if any.</param>
/// <param name="Local">A tunnel's underlay source address, when set (<c>local</c>).</param>
/// <param name="Remote">A tunnel's underlay peer address (<c>remote</c>): a point-to-point tunnel.</param>
/// <param name="Port">A VXLAN tunnel's UDP destination port.</param>
public sealed record HostLink(string Name, string? Kind, int Mtu, string? Master, UInt128? Local, UInt128? Remote, int? Port)
{
    /// <summary>A point-to-point tunnel that carries packets to another host's underlay address.</summary>
    public bool IsTunnel => Remote is not null && TunnelKind.Of(Kind) is not null;

    /// <summary>The bytes the encapsulation adds over the underlay (outer IPv4 header included).</summary>
    public int Overhead => TunnelKind.Of(Kind)?.Overhead ?? 0;
}

/// <summary>How a tunnel kind wraps its packets: the outer protocol (and UDP port) and its overhead.</summary>
public sealed record TunnelKind(string Name, int OuterProtocol, int Overhead, bool Layer2)
{
    /// <summary>The kinds fleet follows; null for any other (not a point-to-point tunnel it knows).</summary>
    public static TunnelKind? Of(string? kind) => kind switch
    {
        // 20 bytes of outer IPv4 plus 4 of GRE; gretap carries the Ethernet header (14) too.
        "gre" => new("gre", Protocol.Gre, 24, false),
        "gretap" => new("gretap", Protocol.Gre, 38, true),
        // 20 IPv4 + 8 UDP + 8 VXLAN + 14 Ethernet.
        "vxlan" => new("vxlan", Protocol.Udp, 50, true),
        _ => null,
    };
}
