using System.Collections.Immutable;
using System.Globalization;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Core.Semantics;

/// <summary>
/// A packet as a person describes it (the options of <c>dockerfw trace</c>): addresses, a protocol
/// by name or number, ports, an ICMP type by name, a conntrack state list, a mark. <see cref="Parse"/>
/// checks it and builds the <see cref="Packet"/>, or says what is wrong with each field.
/// </summary>
public sealed record PacketRequest(string Source, string Destination, string Protocol)
{
    public int? SourcePort { get; init; }

    public int? DestinationPort { get; init; }

    /// <summary>Name (<c>echo-request</c>), <c>T</c> or <c>T/C</c>; default echo-request.</summary>
    public string? IcmpType { get; init; }

    /// <summary>
    /// Comma-separated, e.g. <c>ESTABLISHED</c> or <c>NEW,DNAT</c>; default NEW, or for an ICMP type
    /// that opens no connection the state conntrack gives it with nothing before it (INVALID; UNTRACKED
    /// for ICMPv6's neighbour and listener discovery).
    /// </summary>
    public string? State { get; init; }

    public string? Mark { get; init; }

    /// <summary>The TCP flags byte in words, e.g. <c>SYN,ECE,CWR</c> or <c>NONE</c>; default SYN for a NEW packet, ACK for a later one.</summary>
    public string? TcpFlags { get; init; }

    public string? In { get; init; }

    public string? Out { get; init; }

    public string? PhysIn { get; init; }

    public string? PhysOut { get; init; }

    public (Packet? Packet, ImmutableArray<string> Errors) Parse()
    {
        var errors = ImmutableArray.CreateBuilder<string>();
        var family = IpAddressValue.FamilyOf(Source);
        if (family is null) errors.Add($"--src: expected an IPv4 or IPv6 address, but got '{Source}'");
        var f = family ?? IpAddressValue.FamilyOf(Destination) ?? IpFamily.V4;
        if (!IpAddressValue.TryParse(Destination, f, out var destination))
            errors.Add($"--dst: expected an {(f == IpFamily.V4 ? "IPv4" : "IPv6")} address like --src, but got '{Destination}'");
        IpAddressValue.TryParse(Source, f, out var source);

        var protocol = 0;
        if (Model.Values.Protocol.TryParse(Protocol, out var p) && !p!.IsAll) protocol = p.Number;
        else errors.Add($"--proto: expected a protocol name or number (tcp, udp, icmp, 47...), but got '{Protocol}'");
        if (protocol == Model.Values.Protocol.Icmp && f == IpFamily.V6) protocol = Model.Values.Protocol.IcmpV6;
        var icmp = protocol is Model.Values.Protocol.Icmp or Model.Values.Protocol.IcmpV6;

        foreach (var (name, port) in new[] { ("--sport", SourcePort), ("--dport", DestinationPort) })
        {
            if (port is not null && (port < 0 || port > 65535)) errors.Add($"{name}: expected a port 0-65535, but got {port}");
            if (port is not null && protocol != 0 && !Evaluation.ProtocolNumbers.HasPorts(protocol))
                errors.Add($"{name}: protocol '{Protocol}' has no ports");
        }

        int? icmpType = null, icmpCode = null;
        if (icmp)
        {
            if (!IcmpTypes.TryParse(IcmpType ?? "echo-request", f, out icmpType, out icmpCode) || icmpType is null)
                errors.Add($"--icmp-type: expected an ICMP type name or number (echo-request, 8, 3/1...), but got '{IcmpType}'");
        }
        else if (IcmpType is not null) errors.Add("--icmp-type: applies to --proto icmp only");

        var state = ConntrackStates.New;
        if (State is not null)
        {
            state = ConntrackStates.None;
            foreach (var part in State.Split(','))
            {
                if (ConntrackStatesText.TryParseOne(part.Trim(), out var one)) state |= one;
                else errors.Add($"--state: expected {string.Join(", ", ConntrackStatesText.Names)}, but got '{part}'");
            }
        }

        // conntrack gives an ICMP message the states of its type alone (Symbolic.IcmpStates): only a
        // query is NEW. Unasked, a message that opens nothing has the state it comes with alone (an
        // echo reply INVALID, neighbour discovery UNTRACKED); asked, an impossible state is refused
        // rather than traced as a packet no kernel makes (oracle F39).
        if (icmpType is { } type)
        {
            var possible = Symbolic.IcmpStates.Possible(f, type);
            if (State is null) state = Symbolic.IcmpStates.Unsolicited(f, type);
            else if ((state & ~(ConntrackStates.Snat | ConntrackStates.Dnat) & ~possible) is var never and not ConntrackStates.None)
                errors.Add($"--state: conntrack never makes an {(f == IpFamily.V4 ? "ICMP" : "ICMPv6")} message of type {type} {ConntrackStatesText.Format(never)}"
                    + $" (only a query opens a connection, as NEW): it arrives {ConntrackStatesText.Format(possible)}");
        }

        uint mark = 0;
        if (Mark is not null && !TryParseMark(Mark, out mark)) errors.Add($"--mark: expected a number like 0x4000 or 16384, but got '{Mark}'");

        var given = Model.Values.TcpFlags.None;
        if (TcpFlags is not null && protocol != Model.Values.Protocol.Tcp) errors.Add("--tcp-flags: applies to --proto tcp only");
        else if (TcpFlags is not null && !TcpFlagsText.TryParseHeader(TcpFlags, out given))
            errors.Add($"--tcp-flags: expected flag names among {string.Join(", ", TcpFlagsText.Names)} (comma-separated) or NONE, but got '{TcpFlags}'");

        if (errors.Count > 0) return (null, errors.ToImmutable());
        var flags = protocol != Model.Values.Protocol.Tcp ? Model.Values.TcpFlags.None
            : TcpFlags is not null ? given
            : state.HasFlag(ConntrackStates.New) ? Model.Values.TcpFlags.Syn : Model.Values.TcpFlags.Ack;
        var packet = new Packet(f, source, destination, protocol, SourcePort, DestinationPort, icmpType, icmpType is null ? null : icmpCode ?? 0,
            In, Out, state, mark, 0, flags, PhysIn: PhysIn, PhysOut: PhysOut);
        return (packet, []);
    }

    private static bool TryParseMark(string text, out uint mark) =>
        text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? uint.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out mark)
            : uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out mark);
}
