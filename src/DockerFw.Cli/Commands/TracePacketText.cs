using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;

namespace DockerFw.Cli.Commands;

/// <summary>The pieces of a traced packet as text, shared by the text and JSON renderings of `trace`.</summary>
internal static class TracePacketText
{
    public static string? Source(Packet p) => p.UnknownFields.HasFlag(PacketFields.Source) ? null : IpAddressValue.Format(p.Source, p.Family);

    public static string? Destination(Packet p) => p.UnknownFields.HasFlag(PacketFields.Destination) ? null : IpAddressValue.Format(p.Destination, p.Family);

    public static int? SourcePort(Packet p) => p.UnknownFields.HasFlag(PacketFields.SourcePort) ? null : p.SourcePort;

    public static int? DestinationPort(Packet p) => p.UnknownFields.HasFlag(PacketFields.DestinationPort) ? null : p.DestinationPort;

    public static string Protocol(Packet p) => Core.Model.Values.Protocol.FromNumber(p.Protocol).Name;

    public static string Mark(uint mark) => $"0x{mark:x}";

    public static string Verdict(PacketVerdict verdict) => verdict.ToString().ToUpperInvariant();

    public static string Field(AddressField field) => field == AddressField.Source ? "src" : "dst";

    public static string Nat(NatRewrite nat, IpFamily family)
    {
        var address = nat.Address is { } a ? IpAddressValue.Format(a, family) : "?";
        return nat.Port is { } port ? $"{address}:{port}" : address;
    }

    /// <summary>
    /// <c>tcp 10.0.0.1:40000 -> 172.17.0.2:80 flags SYN</c>, with <c>?</c> for what is unknown. A TCP
    /// packet's flags decide <c>--syn</c> and <c>--tcp-flags</c> rules (and whether it opens a connection),
    /// so they are shown as the JSON gives them (<see cref="TcpFlagsText.Format"/>).
    /// </summary>
    public static string OneLine(Packet p)
    {
        string End(string? address, int? port, bool ported) =>
            (address ?? "?") + (ported ? ":" + (port?.ToString() ?? "?") : "");
        var ported = p.SourcePort is not null || p.DestinationPort is not null || p.UnknownFields.HasFlag(PacketFields.SourcePort);
        var text = $"{Protocol(p)} {End(Source(p), SourcePort(p), ported)} -> {End(Destination(p), DestinationPort(p), ported)}";
        if (p.IcmpType is { } type) text += $" type {type}/{p.IcmpCode ?? 0}";
        if (p.Protocol == Core.Model.Values.Protocol.Tcp) text += $" flags {TcpFlagsText.Format(p.TcpFlags)}";
        if (p.InInterface is not null) text += $" in {p.InInterface}";
        if (p.OutInterface is not null) text += $" out {p.OutInterface}";
        if (p.PhysIn is not null) text += $" physdev-in {p.PhysIn}";
        if (p.PhysOut is not null) text += $" physdev-out {p.PhysOut}";
        return text + $" state {ConntrackStatesText.Format(p.State)} mark {Mark(p.Mark)}";
    }
}
