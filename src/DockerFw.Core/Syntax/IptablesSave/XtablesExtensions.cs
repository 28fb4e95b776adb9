using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// The match and target names xtables can load for each family: iptables 1.8's own extensions
/// (libxt_, libipt_, libip6t_) and those of xtables-addons 3.x, the one extension package
/// distributions ship beside it. A name outside them is a typo to iptables-restore ("Couldn't load
/// match `ipr3ange'"), so the reader refuses it as restore does; a name inside them that dockerfw does
/// not model is kept verbatim with a warning (DFW151, DFW153), since the host may well load it.
/// </summary>
/// <remarks>
/// iptables' names are those iptables-legacy-restore 1.8.9 loads (`-m NAME` and `-j NAME` probed one
/// by one; `-j standard` is left out: restore reads it, the kernel refuses it on commit);
/// KernelExtensionNames probes them again on the machine the kernel tests run on, so a name that
/// restore refuses, or one it loads that is missing here, fails a test. Whether the running kernel
/// has the module behind a name (ULOG has been gone since Linux 4.2) is the host's, not the syntax's. xtables-addons' names
/// are read from its sources (extensions/Kbuild) and are not on these machines: accepting them is a
/// deliberate difference (docs/acceptance.md).
/// </remarks>
internal static class XtablesExtensions
{
    private static readonly string[] SharedMatches =
    [
        "addrtype", "ah", "bpf", "cgroup", "cluster", "comment", "connbytes", "connlabel", "connlimit", "connmark",
        "conntrack", "cpu", "dccp", "devgroup", "dscp", "ecn", "esp", "hashlimit", "helper", "ipcomp", "iprange",
        "ipvs", "length", "limit", "mac", "mark", "multiport", "nfacct", "owner", "physdev", "pkttype", "policy",
        "quota", "rateest", "recent", "rpfilter", "sctp", "set", "socket", "state", "statistic", "string", "tcp",
        "tcpmss", "time", "tos", "u32", "udp",
    ];

    private static readonly string[] SharedTargets =
    [
        "AUDIT", "CHECKSUM", "CLASSIFY", "CONNMARK", "CONNSECMARK", "CT", "DNAT", "DSCP", "HMARK", "IDLETIMER",
        "LED", "LOG", "MARK", "MASQUERADE", "NETMAP", "NFLOG", "NFQUEUE", "NOTRACK", "RATEEST", "REDIRECT",
        "REJECT", "SECMARK", "SET", "SNAT", "SYNPROXY", "TCPMSS", "TCPOPTSTRIP", "TEE", "TOS", "TPROXY", "TRACE",
    ];

    private static readonly string[] AddonsMatches =
        ["asn", "condition", "dhcpmac", "fuzzy", "geoip", "gradm", "iface", "ipp2p", "ipv4options", "length2", "lscan", "pknock", "psd", "quota2"];

    private static readonly string[] AddonsTargets =
        ["ACCOUNT", "CHAOS", "DELUDE", "DHCPMAC", "DNETMAP", "ECHO", "IPMARK", "LOGMARK", "PROTO", "SYSRQ", "TARPIT"];

    // Not frozen: the table is built at every start, and freezing it cost more than the lookups of `fmt` of a small dump
    // save (all the reader's frozen tables: 1.4 -> 0.7 M instructions of start; docs/performance.md, "Reader on every shape").
    /// <summary>iptables' own names, family by family, as restore 1.8.9 loads them.</summary>
    internal static readonly HashSet<string> IptablesMatchesV4 = Set(SharedMatches, ["icmp", "osf", "realm", "ttl"]);
    internal static readonly HashSet<string> IptablesMatchesV6 =
        Set(SharedMatches, ["dst", "eui64", "frag", "hbh", "hl", "icmp6", "ipv6header", "mh", "rt", "srh"]);
    internal static readonly HashSet<string> IptablesTargetsV4 = Set(SharedTargets, ["CLUSTERIP", "ECN", "TTL", "ULOG"]);
    internal static readonly HashSet<string> IptablesTargetsV6 = Set(SharedTargets, ["DNPT", "HL", "SNPT"]);

    /// <summary>True when <c>-m NAME</c> loads in this family with iptables or xtables-addons.</summary>
    public static bool IsMatch(string name, IpFamily family) =>
        (family == IpFamily.V6 ? IptablesMatchesV6 : IptablesMatchesV4).Contains(name) || AddonsMatches.Contains(name);

    /// <summary>
    /// True when only the other family's tool has this match (libipt_icmp, libip6t_icmp6 ...): restore
    /// fails with "Couldn't load match", and the reader says which tool it belongs to.
    /// </summary>
    public static bool IsOtherFamilysMatch(string name, IpFamily family) =>
        !IsMatch(name, family) && IsMatch(name, family == IpFamily.V4 ? IpFamily.V6 : IpFamily.V4);

    /// <summary>True when <c>-j NAME</c> loads as a target in this family with iptables or xtables-addons.</summary>
    public static bool IsTarget(string name, IpFamily family) =>
        (family == IpFamily.V6 ? IptablesTargetsV6 : IptablesTargetsV4).Contains(name) || AddonsTargets.Contains(name);

    private static HashSet<string> Set(string[] shared, string[] own) => new([.. shared, .. own], StringComparer.Ordinal);
}
