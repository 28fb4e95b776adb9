namespace DockerFw.Core.Semantics.Evaluation;

/// <summary>
/// Conntrack's original tuple: the first packet's addresses and ports as it arrived, before any
/// NAT. For a reply it is the reverse of the reply as it will leave (its binding undone).
/// </summary>
internal readonly record struct ConnectionTuple(UInt128 Source, UInt128 Destination, int? SourcePort, int? DestinationPort, bool PortsKnown)
{
    public static ConnectionTuple Of(Packet p)
    {
        var portsKnown = (p.UnknownFields & (PacketFields.SourcePort | PacketFields.DestinationPort)) == 0;
        if (!p.IsReply) return new(p.Source, p.Destination, p.SourcePort, p.DestinationPort, portsKnown);
        var nat = p.ConntrackNat;
        return new(
            nat?.Destination ?? p.Destination,
            nat?.Source ?? p.Source,
            nat?.DestinationPort ?? p.DestinationPort,
            nat?.SourcePort ?? p.SourcePort,
            portsKnown);
    }
}
