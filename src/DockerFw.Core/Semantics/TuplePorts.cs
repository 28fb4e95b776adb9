using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics;

/// <summary>
/// Which port a set of tuples sees in a packet (ip_set_get_ip4_port/ip6_port): the header's for TCP,
/// UDP, SCTP and UDPLite; 0 for every other protocol, DCCP included (whose ports <c>--dport</c> reads),
/// so an ipset element <c>gre:0</c> or <c>dccp:0</c> holds every packet of its protocol.
/// </summary>
internal static class TuplePorts
{
    public static bool ReadsHeader(int protocol) => protocol is Protocol.Tcp or Protocol.Udp or Protocol.Sctp or Protocol.UdpLite;

    /// <summary>The protocol a port value belongs to: its own (ipset) or the column's (nft).</summary>
    public static int ProtocolOf(TupleColumn column, TupleValue value) => value.Protocol ?? column.Protocol ?? -1;
}
