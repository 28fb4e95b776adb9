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
        }

        return u.Context.Failed ? null : make(range, u.Flags(NatFlagOrder));
    }

    private static bool InOrder(NatRange range) => range.First is not { } first || range.Last is not { } last || first <= last;

    public static Target? Masquerade(TargetUse u) => ToPorts(u, (ports, flags) => new MasqueradeTarget(ports, flags));

    public static Target? Redirect(TargetUse u) => ToPorts(u, (ports, flags) => new RedirectTarget(ports, flags));

    private static Target? ToPorts(TargetUse u, Func<PortRange?, System.Collections.Immutable.ImmutableArray<string>, Target> make)
    {
        PortRange? ports = null;
        if (u.Single("--to-ports") is { } to && !XtablesPorts.TryParseNatPorts(to.Args[0].Text, out ports))
            return Fail(u, to.Args[0], "a port or range P[-Q]");
        return u.Context.Failed ? null : make(ports, u.Flags(NatFlagOrder));
    }

    private static readonly FrozenDictionary<string, string> V4RejectTypes = new Dictionary<string, string>
    {
        ["icmp-net-unreachable"] = "icmp-net-unreachable", ["net-unreach"] = "icmp-net-unreachable",
        ["icmp-host-unreachable"] = "icmp-host-unreachable", ["host-unreach"] = "icmp-host-unreachable",
        ["icmp-proto-unreachable"] = "icmp-proto-unreachable", ["proto-unreach"] = "icmp-proto-unreachable",
        ["icmp-port-unreachable"] = "icmp-port-unreachable", ["port-unreach"] = "icmp-port-unreachable",
        ["icmp-net-prohibited"] = "icmp-net-prohibited", ["net-prohib"] = "icmp-net-prohibited",
        ["icmp-host-prohibited"] = "icmp-host-prohibited", ["host-prohib"] = "icmp-host-prohibited",
        ["icmp-admin-prohibited"] = "icmp-admin-prohibited", ["admin-prohib"] = "icmp-admin-prohibited",
        ["tcp-reset"] = "tcp-reset", ["tcp-rst"] = "tcp-reset",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, string> V6RejectTypes = new Dictionary<string, string>
    {
        ["icmp6-no-route"] = "icmp6-no-route", ["no-route"] = "icmp6-no-route",
        ["icmp6-adm-prohibited"] = "icmp6-adm-prohibited", ["adm-prohibited"] = "icmp6-adm-prohibited",
        ["icmp6-addr-unreachable"] = "icmp6-addr-unreachable", ["addr-unreach"] = "icmp6-addr-unreachable",
        ["icmp6-port-unreachable"] = "icmp6-port-unreachable", ["port-unreach"] = "icmp6-port-unreachable",
        ["icmp6-policy-fail"] = "icmp6-policy-fail", ["policy-fail"] = "icmp6-policy-fail",
        ["icmp6-reject-route"] = "icmp6-reject-route", ["reject-route"] = "icmp6-reject-route",
        ["tcp-reset"] = "tcp-reset", ["tcp-rst"] = "tcp-reset",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>REJECT always carries its type; the default is the port-unreachable of the family.</summary>
    public static Target? Reject(TargetUse u)
    {
        var v4 = u.Context.Family == IpFamily.V4;
        var types = v4 ? V4RejectTypes : V6RejectTypes;
        if (u.Single("--reject-with") is not { } with)
            return u.Context.Failed ? null : new RejectTarget(v4 ? "icmp-port-unreachable" : "icmp6-port-unreachable");
        return types.TryGetValue(with.Args[0].Text, out var canonical)
            ? new RejectTarget(canonical)
            : Fail(u, with.Args[0], $"a reject type ({string.Join(", ", types.Values.Distinct())})");
    }
}
