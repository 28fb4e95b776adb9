namespace DockerFw.Core.Semantics;

/// <summary>What finally happens to a packet on its way through the host.</summary>
public enum PacketVerdict
{
    Accept,
    Drop,
    Reject,
}
