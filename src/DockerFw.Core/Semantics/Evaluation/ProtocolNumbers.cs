using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Evaluation;

internal static class ProtocolNumbers
{
    /// <summary>tcp, udp, dccp, sctp and udplite carry ports.</summary>
    public static bool HasPorts(int protocol) =>
        protocol is Protocol.Tcp or Protocol.Udp or Protocol.Sctp or Protocol.UdpLite or 33;

    public static int IcmpOf(IpFamily family) => family == IpFamily.V4 ? Protocol.Icmp : Protocol.IcmpV6;
}
