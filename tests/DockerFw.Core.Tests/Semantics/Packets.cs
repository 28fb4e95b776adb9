using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;

namespace DockerFw.Tests.Semantics;

/// <summary>Packets written the way people say them: <c>Tcp("10.0.0.1:40000", "172.17.0.2:80")</c>.</summary>
internal static class Packets
{
    public static Packet Tcp(string from, string to, string? @in = null, string? @out = null) =>
        Ported(Protocol.Tcp, from, to, @in, @out);

    public static Packet Udp(string from, string to, string? @in = null, string? @out = null) =>
        Ported(Protocol.Udp, from, to, @in, @out) with { TcpFlags = TcpFlags.None };

    public static Packet Ping(string from, string to, string? @in = null, string? @out = null) =>
        new(IpFamily.V4, Ip(from), Ip(to), Protocol.Icmp, IcmpType: 8, IcmpCode: 0, InInterface: @in, OutInterface: @out, TcpFlags: TcpFlags.None);

    public static UInt128 Ip(string text) => IpAddressValue.Parse(text, IpFamily.V4);

    public static string Text(UInt128 address) => IpAddressValue.Format(address, IpFamily.V4);

    private static Packet Ported(int protocol, string from, string to, string? @in, string? @out)
    {
        var (src, sport) = Split(from);
        var (dst, dport) = Split(to);
        return new Packet(IpFamily.V4, src, dst, protocol, sport, dport, InInterface: @in, OutInterface: @out);
    }

    private static (UInt128, int?) Split(string endpoint)
    {
        var colon = endpoint.IndexOf(':');
        return colon < 0 ? (Ip(endpoint), null) : (Ip(endpoint[..colon]), int.Parse(endpoint[(colon + 1)..]));
    }
}

internal static class TraceText
{
    /// <summary>The counted rules as <c>table/CHAIN#n</c>, space-separated.</summary>
    public static string Counted(this TraceOutcome outcome) => string.Join(' ', outcome.Matched.Select(Name));

    public static string Counted(this TraceResult result) => string.Join(' ', result.Matched.Select(Name));

    public static string Name(RuleRef r) => $"{r.Table}/{r.Chain}#{r.Number}";

    public static TraceResult Trace(string dump, Packet packet, PacketPath path = PacketPath.Forward, EvaluationContext? context = null) =>
        PacketTracer.Trace(Dump.Read(dump), packet, path, context);
}
