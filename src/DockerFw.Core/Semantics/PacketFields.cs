namespace DockerFw.Core.Semantics;

/// <summary>Header fields the engine stopped knowing exactly on the way (NAT to a range, unknown target).</summary>
[Flags]
public enum PacketFields
{
    None = 0,
    Source = 1,
    Destination = 2,
    SourcePort = 4,
    DestinationPort = 8,
    Mark = 16,
    ConnMark = 32,
}
