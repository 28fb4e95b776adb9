namespace DockerFw.Core.Semantics;

/// <summary>
/// What a match module named without options matches (<c>-m limit</c>, <c>-m rt</c>). Most modules
/// need an option (restore refuses them bare) or, bare, match every packet of the protocol the rule
/// already names; a few still match only some packets: limit at its default rate (3/hour, burst 5),
/// socket only packets with a local socket, rpfilter those that pass the reverse-path check, rt, hbh
/// and dst only IPv6 packets that carry that extension header. Both engines read this list, so a bare
/// module is never taken for "every packet" unless it is one.
/// </summary>
public static class BareModules
{
    private static readonly HashSet<string> MatchEveryPacket =
    [
        "tcp", "udp", "udplite", "sctp", "dccp", "multiport", "icmp", "icmp6", "conntrack", "state", "addrtype",
        "comment", "mark", "connmark", "set", "physdev", "iprange",
    ];

    /// <summary>Whether <c>-m MODULE</c> alone matches every packet (of the rule's protocol).</summary>
    public static bool MatchesEveryPacket(string module) => MatchEveryPacket.Contains(module);

    /// <summary>
    /// Whether the module matches only packets carrying an IPv6 routing, hop-by-hop or destination-options
    /// header, with or without options: the kernel's match is false when the header is absent, whatever
    /// the inversion flags say. The packets both engines reason about carry none of these (as they are
    /// whole or first fragments for <c>-f</c>): ordinary traffic does not, and Linux drops a type 0
    /// routing header itself.
    /// </summary>
    public static bool NeedsExtensionHeader(string module) => module is "rt" or "hbh" or "dst";
}
