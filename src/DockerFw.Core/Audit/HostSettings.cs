using System.Collections.Immutable;

namespace DockerFw.Core.Audit;

/// <summary>
/// Kernel settings that decide whether rules apply at all, which no dump shows: given with
/// <c>--sysctl KEY=VALUE</c> offline, read from /proc and /sys live. Unknown settings stay null.
/// </summary>
public sealed record HostSettings(ImmutableDictionary<string, string> Sysctls)
{
    public static HostSettings Unknown { get; } = new(ImmutableDictionary<string, string>.Empty);

    public bool? IpForward => Flag("net.ipv4.ip_forward");

    /// <summary>
    /// Whether the host routes packets of the family (<c>net.ipv4.ip_forward</c>,
    /// <c>net.ipv6.conf.all.forwarding</c>); null when not known.
    /// </summary>
    public bool? Forwarding(Model.Values.IpFamily family) =>
        family == Model.Values.IpFamily.V4 ? IpForward : Flag("net.ipv6.conf.all.forwarding");

    public bool? BridgeNfCallIptables => Flag("net.bridge.bridge-nf-call-iptables");

    /// <summary>The sysctl of conntrack itself (its TCP tracker, always built in) and those of the trackers a kernel may leave out.</summary>
    public const string ConntrackSysctl = "net.netfilter.nf_conntrack_tcp_timeout_established",
        SctpTrackerSysctl = "net.netfilter.nf_conntrack_sctp_timeout_established",
        DccpTrackerSysctl = "net.netfilter.nf_conntrack_dccp_timeout_request";

    /// <summary>
    /// Whether conntrack has its own tracker for DCCP (33) or SCTP (132), which checks their handshakes;
    /// without it they are tracked generically. A kernel may leave either out (DCCP's is gone since
    /// Linux 6.16). A tracker's sysctls exist exactly when it does, so it is known absent when
    /// conntrack's own sysctl is known and the tracker's is not; null when neither is known.
    /// </summary>
    public bool? HasTracker(int protocol)
    {
        var key = protocol switch { 33 => DccpTrackerSysctl, 132 => SctpTrackerSysctl, _ => null };
        if (key is null) return null;
        return Sysctls.ContainsKey(key) ? true : Sysctls.ContainsKey(ConntrackSysctl) ? false : null;
    }

    public bool? BridgeNfCallIp6tables => Flag("net.bridge.bridge-nf-call-ip6tables");

    /// <summary>
    /// Whether bridged IPv4 traffic on <paramref name="bridge"/> reaches iptables: the global switch,
    /// or the bridge's own <c>nf_call_iptables</c>, which can only add (moby/moby#47127).
    /// </summary>
    public bool? BridgedTrafficFiltered(string bridge) =>
        BridgeNfCallIptables == true || Flag($"bridge.{bridge}.nf_call_iptables") == true ? true
        : BridgeNfCallIptables is null ? null
        : Flag($"bridge.{bridge}.nf_call_iptables") ?? false;

    /// <summary>The same for a family: bridged IPv6 traffic reaches ip6tables by the <c>ip6tables</c> switches.</summary>
    public bool? BridgedTrafficFiltered(string bridge, Model.Values.IpFamily family)
    {
        if (family == Model.Values.IpFamily.V4) return BridgedTrafficFiltered(bridge);
        var own = Flag($"bridge.{bridge}.nf_call_ip6tables");
        return BridgeNfCallIp6tables == true || own == true ? true : BridgeNfCallIp6tables is null ? null : own ?? false;
    }

    /// <summary>
    /// The reverse-path filter on a container's interfaces: the higher of the host's <c>all</c> and
    /// <c>default</c>. A container's namespace copies the host's <c>all</c> and <c>default</c> when it is
    /// made (<c>net.core.devconf_inherit_init_net</c> 0, the kernel's default), and an interface that
    /// arrives in it (Docker's veth end, moved in or made there) starts from that namespace's
    /// <c>default</c>; the kernel then takes the higher of <c>all</c> and the interface's own
    /// (<see cref="ReversePathModes.Of"/>). Null when either is unknown.
    /// </summary>
    public ReversePathMode? ContainerReversePath =>
        Number("net.ipv4.conf.all.rp_filter") is { } all && Number("net.ipv4.conf.default.rp_filter") is { } seed ? ReversePathModes.Of(all, seed) : null;

    /// <summary>
    /// The reverse-path filter on the host's interface <paramref name="device"/>: the higher of
    /// <c>all</c>'s and its own <c>net.ipv4.conf.DEVICE.rp_filter</c>. <c>default</c> does not decide
    /// it: that is only what an interface starts with, and an existing one may since have been set
    /// (systemd's sysctl.d sets every interface's as it appears). With its own value unknown the
    /// mode is known only where <c>all</c>'s alone decides it (2 or more: loose whatever its own is).
    /// </summary>
    public ReversePathMode? ReversePath(string device) =>
        (Number("net.ipv4.conf.all.rp_filter"), Number($"net.ipv4.conf.{device}.rp_filter")) switch
        {
            ({ } all, { } own) => ReversePathModes.Of(all, own),
            (>= 2, null) => ReversePathMode.Loose,
            _ => null,
        };

    private long? Number(string key) =>
        Sysctls.TryGetValue(key, out var v) && long.TryParse(v.Trim(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;

    public HostSettings With(string key, string value) => new(Sysctls.SetItem(Normalize(key), value.Trim()));

    private bool? Flag(string key) => Sysctls.TryGetValue(key, out var v) ? IsOn(v) : null;

    /// <summary>
    /// A switch as the kernel takes it: any integer but 0 is on (br_netfilter stores 2 as 1, and
    /// ip_forward counts any non-zero value); text that is no integer is no setting at all.
    /// </summary>
    public static bool? IsOn(string value) => long.TryParse(value.Trim(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n != 0 : null;

    // sysctl accepts both net.ipv4.ip_forward and net/ipv4/ip_forward.
    private static string Normalize(string key) => key.Trim().Replace('/', '.');
}
