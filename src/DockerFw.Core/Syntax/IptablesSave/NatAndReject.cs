using System.Collections.Frozen;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using static DockerFw.Core.Syntax.IptablesSave.TargetCatalog;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>The targets with typed ranges and types: DNAT, SNAT, MASQUERADE, REDIRECT and REJECT.</summary>
internal static class NatAndReject
{
    /// <summary>Flags in the order libxt_NAT prints them.</summary>
    private static readonly string[] NatFlagOrder = ["--random", "--random-fully", "--persistent"];

    public static Target? Dnat(TargetUse u) => Nat(u, "--to-destination", (range, flags) => new DnatTarget(range, flags));

    public static Target? Snat(TargetUse u) => Nat(u, "--to-source", (range, flags) => new SnatTarget(range, flags));

    private static Target? Nat(TargetUse u, string option, Func<NatRange?, System.Collections.Immutable.ImmutableArray<string>, Target> make)
    {
        NatRange? range = null;
        if (u.Single(option) is { } to)
        {
            if (!NatRangeText.TryParse(to.Args[0].Text, u.Context.Family, out var parsed) || !InOrder(parsed))
                return Fail(u, to.Args[0], u.Context.Family == IpFamily.V4
                    ? "an IPv4 range A[-B][:P[-Q]] (addresses in plain dotted decimal, as inet_pton reads them)"
                    : "an IPv6 range A[-B] or [A[-B]]:P[-Q]");
            range = parsed;
            if (parsed.Ports is not null && !PortsHaveProtocol(u, to.Args[0])) return null;
        }

        return u.Context.Failed ? null : make(range, u.Flags(NatFlagOrder));
    }

    private static bool InOrder(NatRange range) => range.First is not { } first || range.Last is not { } last || first <= last;

    public static Target? Masquerade(TargetUse u) => ToPorts(u, (ports, flags) => new MasqueradeTarget(ports, flags));

    public static Target? Redirect(TargetUse u) => ToPorts(u, (ports, flags) => new RedirectTarget(ports, flags));

    private static Target? ToPorts(TargetUse u, Func<PortRange?, System.Collections.Immutable.ImmutableArray<string>, Target> make)
    {
        PortRange? ports = null;
        if (u.Single("--to-ports") is { } to)
        {
            if (!XtablesPorts.TryParseNatPorts(to.Args[0].Text, out ports)) return Fail(u, to.Args[0], "a port or range P[-Q]");
            if (!PortsHaveProtocol(u, to.Args[0])) return null;
        }

        return u.Context.Failed ? null : make(ports, u.Flags(NatFlagOrder));
    }

    // The types in the order of libipt_REJECT.c's and libip6t_REJECT.c's tables (name, alias): restore takes
    // the first whose name or alias the value begins, without regard to case.
    private static readonly (string Name, string Alias)[] V4RejectTypes =
    [
        ("icmp-net-unreachable", "net-unreach"), ("icmp-host-unreachable", "host-unreach"),
        ("icmp-proto-unreachable", "proto-unreach"), ("icmp-port-unreachable", "port-unreach"),
        ("icmp-net-prohibited", "net-prohib"), ("icmp-host-prohibited", "host-prohib"), ("tcp-reset", "tcp-rst"),
        ("icmp-admin-prohibited", "admin-prohib"),
    ];

    private static readonly (string Name, string Alias)[] V6RejectTypes =
    [
        ("icmp6-no-route", "no-route"), ("icmp6-adm-prohibited", "adm-prohibited"),
        ("icmp6-addr-unreachable", "addr-unreach"), ("icmp6-port-unreachable", "port-unreach"), ("tcp-reset", "tcp-reset"),
        ("icmp6-policy-fail", "policy-fail"), ("icmp6-reject-route", "reject-route"),
    ];

    /// <summary>
    /// The type REJECT_parse takes for <paramref name="text"/>: <c>strncasecmp(name, text, strlen(text))</c> against each
    /// name and alias in table order, so any prefix in any case (<c>icmp-port-Unreachable</c>, <c>port</c>; the empty text
    /// is the first type); save prints the full name.
    /// </summary>
    public static string? RejectType(string text, IpFamily family)
    {
        // A dump gives the same type on line after line: the last answer is kept (one immutable record, so that both
        // binding threads read a whole one); the scan's case-blind prefix comparisons were a twentieth of binding a ban.
        if (lastRejectType is { } last && last.Family == family && last.Text == text) return last.Type;
        var type = ScanRejectTypes(text, family);
        lastRejectType = new RejectTypeRead(text, family, type);
        return type;
    }

    private sealed record RejectTypeRead(string Text, IpFamily Family, string? Type);

    private static RejectTypeRead? lastRejectType;

    private static string? ScanRejectTypes(string text, IpFamily family)
    {
        foreach (var (name, alias) in family == IpFamily.V4 ? V4RejectTypes : V6RejectTypes)
            if (name.StartsWith(text, StringComparison.OrdinalIgnoreCase) || alias.StartsWith(text, StringComparison.OrdinalIgnoreCase)) return name;
        return null;
    }

    /// <summary>REJECT always carries its type; the default is the port-unreachable of the family.</summary>
    public static Target? Reject(TargetUse u)
    {
        var v4 = u.Context.Family == IpFamily.V4;
        if (u.Single("--reject-with") is not { } with)
            return u.Context.Failed ? null : new RejectTarget(v4 ? "icmp-port-unreachable" : "icmp6-port-unreachable");
        if (RejectType(with.Args[0].Text, u.Context.Family) is not { } type)
            return Fail(u, with.Args[0], $"a reject type ({string.Join(", ", (v4 ? V4RejectTypes : V6RejectTypes).Select(t => t.Name))}, or the start of one)");
        // The kernel's checkentry: a TCP reset only for a rule that matches TCP (`-p tcp`, not negated).
        if (type == "tcp-reset" && (u.Context.Protocol?.Number != Protocol.Tcp || u.Context.ProtocolNegated))
            return Fail(u, with.Args[0], "-p tcp before --reject-with tcp-reset (the kernel refuses a TCP reset for other packets)");
        return new RejectTarget(type);
    }

    /// <summary>NAT ports need the rule's protocol to have ports: libxt_NAT and MASQUERADE/REDIRECT's "Need TCP, UDP, SCTP or DCCP".</summary>
    private static bool PortsHaveProtocol(TargetUse u, Token at)
    {
        // Only the number is looked at: `! -p tcp` passes, as it passes restore.
        if (u.Context.Protocol?.Number is Protocol.Tcp or Protocol.Udp or Protocol.Sctp or 33) return true;
        Fail(u, at, "-p tcp, udp, sctp or dccp before NAT ports (restore: \"Need TCP, UDP, SCTP or DCCP with port specification\")");
        return false;
    }
}
