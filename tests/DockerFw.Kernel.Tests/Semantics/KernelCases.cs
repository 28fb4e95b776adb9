namespace DockerFw.Kernel.Tests.Semantics;

/// <summary>
/// One case per supported match and target, each with a rule that must count and one that must
/// not. Addresses: a 10.201.1.2 (r1), b 10.201.2.2 (r2), c/d/e 10.201.3.2-4 on br0 ports vb1-vb3;
/// the router is 10.201.1.1, 10.201.2.1, 10.201.3.1.
/// </summary>
internal static class KernelCases
{
    public static readonly IReadOnlyList<KernelCase> All =
    [
        new("addresses, masks and negation",
            ["filter -A FORWARD -s 10.201.1.0/24 -d 10.201.2.2/32", "filter -A FORWARD ! -s 10.201.1.0/24", "filter -A FORWARD -d 10.201.0.0/255.255.0.255"],
            "udp a->b:53", "counted [filter/FORWARD#1], arrived: b"),
        new("non-contiguous mask",
            ["filter -A FORWARD -d 10.0.0.2/255.0.0.255", "filter -A FORWARD -d 10.0.0.3/255.0.0.255"],
            "udp a->b:53", "counted [filter/FORWARD#1], arrived: b"),
        new("interfaces with wildcards",
            ["filter -A FORWARD -i r+ -o r2", "filter -A FORWARD -i r2", "filter -A FORWARD ! -o br+"],
            "udp a->b:53", "counted [filter/FORWARD#1, filter/FORWARD#3], arrived: b"),
        new("protocol by name and number",
            ["filter -A FORWARD -p 17", "filter -A FORWARD -p tcp", "filter -A FORWARD ! -p icmp"],
            "udp a->b:53", "counted [filter/FORWARD#1, filter/FORWARD#3], arrived: b"),
        new("tcp ports and flags",
            ["filter -A FORWARD -p tcp --dport 80", "filter -A FORWARD -p tcp --dport 81:90", "filter -A FORWARD -p tcp --syn", "filter -A FORWARD -p tcp --tcp-flags SYN,ACK ACK", "filter -A FORWARD -p tcp ! --sport 0:1023"],
            "tcp a->b:80", "counted [filter/FORWARD#1, filter/FORWARD#3, filter/FORWARD#5], arrived: b"),
        new("udp ports",
            ["filter -A FORWARD -p udp --dport 53", "filter -A FORWARD -p udp --sport 53", "filter -A FORWARD -p udp -m udp ! --dport 54:60"],
            "udp a->b:53", "counted [filter/FORWARD#1, filter/FORWARD#3], arrived: b"),
        new("multiport",
            ["filter -A FORWARD -p udp -m multiport --dports 22,50:60", "filter -A FORWARD -p udp -m multiport --ports 1,2", "filter -A FORWARD -p udp -m multiport ! --sports 1:1023"],
            "udp a->b:53", "counted [filter/FORWARD#1, filter/FORWARD#3], arrived: b"),
        new("icmp types",
            ["filter -A FORWARD -p icmp --icmp-type echo-request", "filter -A FORWARD -p icmp --icmp-type echo-reply", "filter -A FORWARD -p icmp --icmp-type 8/0"],
            "icmp a->b", "counted [filter/FORWARD#1, filter/FORWARD#3], arrived: b"),
        new("conntrack and state",
            ["filter -A FORWARD -m conntrack --ctstate NEW", "filter -A FORWARD -m state --state ESTABLISHED,RELATED", "filter -A FORWARD -m conntrack ! --ctstate DNAT"],
            "udp a->b:53", "counted [filter/FORWARD#1, filter/FORWARD#3], arrived: b"),
        new("addrtype on local delivery",
            ["filter -A INPUT -m addrtype --dst-type LOCAL", "filter -A INPUT -m addrtype --src-type LOCAL", "filter -A INPUT -m addrtype --dst-type UNICAST"],
            // A local address is of type LOCAL only, never UNICAST.
            "udp a->router:53", "counted [filter/INPUT#1], arrived: router"),
        new("comment",
            ["filter -A FORWARD -m comment --comment \"counted anyway\"", "filter -A FORWARD -p tcp -m comment --comment not-udp"],
            "udp a->b:53", "counted [filter/FORWARD#1], arrived: b"),
        new("iprange",
            ["filter -A FORWARD -m iprange --src-range 10.201.1.1-10.201.1.9", "filter -A FORWARD -m iprange --dst-range 10.201.2.3-10.201.2.9"],
            "udp a->b:53", "counted [filter/FORWARD#1], arrived: b"),
        new("mark set in mangle, matched in filter",
            ["mangle -A PREROUTING -j MARK --set-xmark 0x5/0xff", "filter -A FORWARD -m mark --mark 0x5/0xff", "filter -A FORWARD -m mark --mark 0x6"],
            "udp a->b:53", "counted [filter/FORWARD#1, mangle/PREROUTING#1], arrived: b"),
        new("connmark",
            ["mangle -A PREROUTING -j CONNMARK --set-mark 0x7", "filter -A FORWARD -m connmark --mark 0x7", "filter -A FORWARD -m connmark ! --mark 0x7"],
            "udp a->b:53", "counted [filter/FORWARD#1, mangle/PREROUTING#1], arrived: b"),
        new("physdev on the bridge",
            ["filter -A FORWARD -m physdev --physdev-in vb1 --physdev-out vb2 --physdev-is-bridged", "filter -A FORWARD -m physdev --physdev-in vb2", "filter -A FORWARD -i br0 -o br0"],
            "udp c->d:53", "counted [filter/FORWARD#1, filter/FORWARD#3], arrived: d"),
        new("physdev-in on traffic routed out of the bridge",
            ["filter -A FORWARD -m physdev --physdev-in vb1", "filter -A FORWARD -m physdev --physdev-is-bridged", "filter -A FORWARD -m physdev --physdev-is-in", "filter -A FORWARD -i br0 -o r2"],
            "udp c->b:53", "counted [filter/FORWARD#1, filter/FORWARD#3, filter/FORWARD#4], arrived: b"),
        new("physdev-in on local delivery from a bridge port",
            ["filter -A INPUT -m physdev --physdev-in vb2", "filter -A INPUT -m physdev --physdev-in vb1", "filter -A INPUT -i br0"],
            "udp d->router:53", "counted [filter/INPUT#1, filter/INPUT#3], arrived: router"),
        new("DNAT rewrites before filtering",
            ["nat -A PREROUTING -d 10.201.2.2 -p udp --dport 53 -j DNAT --to-destination 10.201.3.3:5353", "filter -A FORWARD -d 10.201.2.2", "filter -A FORWARD -d 10.201.3.3 -p udp --dport 5353 -m conntrack --ctstate DNAT"],
            "udp a->b:53", "counted [filter/FORWARD#2, nat/PREROUTING#1], arrived: d"),
        new("SNAT after filtering",
            ["nat -A POSTROUTING -s 10.201.1.2 -o r2 -j SNAT --to-source 10.201.2.1", "filter -A FORWARD -s 10.201.1.2", "mangle -A POSTROUTING -s 10.201.1.2"],
            "udp a->b:53", "counted [filter/FORWARD#1, mangle/POSTROUTING#1, nat/POSTROUTING#1], arrived: b"),
        new("MASQUERADE",
            ["nat -A POSTROUTING -o r1 -j MASQUERADE", "nat -A POSTROUTING -o r2 -j MASQUERADE", "nat -A POSTROUTING -o r2"],
            "udp a->b:53", "counted [nat/POSTROUTING#2], arrived: b"),
        new("REDIRECT delivers locally",
            ["nat -A PREROUTING -p udp --dport 53 -j REDIRECT --to-ports 5353", "filter -A INPUT -p udp --dport 5353", "filter -A FORWARD"],
            "udp a->b:53", "counted [filter/INPUT#1, nat/PREROUTING#1], arrived: router"),
        new("jump, RETURN and fall-through",
            ["filter -A FORWARD -j CHECK", "filter -A FORWARD -p udp", "filter -A CHECK -p tcp -j DROP", "filter -A CHECK -p udp -j RETURN", "filter -A CHECK -j DROP"],
            "udp a->b:53", "counted [filter/CHECK#2, filter/FORWARD#1, filter/FORWARD#2], arrived: b"),
        new("goto returns to the caller's caller",
            ["filter -A FORWARD -j OUTER", "filter -A FORWARD -p udp", "filter -A OUTER -g INNER", "filter -A OUTER -j DROP", "filter -A INNER -j RETURN"],
            "udp a->b:53", "counted [filter/FORWARD#1, filter/FORWARD#2, filter/INNER#1, filter/OUTER#1], arrived: b"),
        new("DROP ends the walk",
            ["filter -A FORWARD -p udp -j DROP", "filter -A FORWARD -p udp"],
            "udp a->b:53", "counted [filter/FORWARD#1], arrived: nowhere"),
        new("REJECT ends the walk",
            ["filter -A FORWARD -p tcp -j REJECT --reject-with tcp-reset", "filter -A FORWARD"],
            "tcp a->b:80", "counted [filter/FORWARD#1], arrived: nowhere"),
        new("policy DROP",
            ["filter -P FORWARD DROP", "filter -A FORWARD -p tcp -j ACCEPT", "filter -A FORWARD -p udp"],
            "udp a->b:53", "counted [filter/FORWARD#2], arrived: nowhere"),
        new("ACCEPT in mangle does not skip filter",
            ["mangle -A FORWARD -j ACCEPT", "filter -A FORWARD -j DROP"],
            "icmp a->b", "counted [filter/FORWARD#1, mangle/FORWARD#1], arrived: nowhere"),
        new("LOG is not terminal",
            ["filter -A FORWARD -j LOG --log-prefix \"dfwk \"", "filter -A FORWARD -j DROP"],
            "udp a->b:53", "counted [filter/FORWARD#1, filter/FORWARD#2], arrived: nowhere"),
        new("raw NOTRACK: untracked packets skip nat",
            ["raw -A PREROUTING -j NOTRACK", "nat -A PREROUTING", "filter -A FORWARD -m conntrack --ctstate UNTRACKED"],
            "udp a->b:53", "counted [filter/FORWARD#1, raw/PREROUTING#1], arrived: b"),
        new("local delivery walks INPUT, not FORWARD",
            ["filter -A INPUT -p tcp --dport 22", "filter -A FORWARD", "mangle -A INPUT", "nat -A INPUT"],
            "tcp a->router:22", "counted [filter/INPUT#1, mangle/INPUT#1, nat/INPUT#1], arrived: router"),
        new("local output walks OUTPUT and POSTROUTING",
            ["filter -A OUTPUT -p udp -d 10.201.2.2", "raw -A OUTPUT", "nat -A OUTPUT", "nat -A POSTROUTING -o r2", "filter -A FORWARD"],
            "udp router->b:53", "counted [filter/OUTPUT#1, nat/OUTPUT#1, nat/POSTROUTING#1, raw/OUTPUT#1], arrived: b"),
        new("DNAT on local output",
            ["nat -A OUTPUT -p udp -d 10.201.2.2 -j DNAT --to-destination 10.201.1.2", "filter -A OUTPUT -d 10.201.1.2"],
            "udp router->b:53", "counted [filter/OUTPUT#1, nat/OUTPUT#1], arrived: a"),
    ];

    /// <summary>
    /// Cases where PacketTracer is known to disagree with the kernel. A test checks that they still
    /// disagree, so a fix in the engine moves them into <see cref="All"/>.
    /// </summary>
    public static readonly IReadOnlyList<KernelCase> EngineGaps =
    [
        // raw runs before conntrack: the packet has no conntrack entry there yet, and the conntrack
        // and state matches see INVALID, not NEW.
        new("conntrack state in raw is INVALID",
            ["raw -A PREROUTING -m conntrack --ctstate NEW", "raw -A PREROUTING -m state --state INVALID", "filter -A FORWARD -m conntrack --ctstate NEW"],
            "udp a->b:53", "counted [filter/FORWARD#1, raw/PREROUTING#2], arrived: b"),
        // A frame that came in on a bridge port and is routed out has no output port: the kernel
        // says --physdev-out does not match it (the engine says it does, "not decided yet").
        new("physdev-out on traffic routed out of the bridge",
            ["filter -A FORWARD -m physdev --physdev-out vb2", "filter -A FORWARD -m physdev ! --physdev-out vb2", "filter -A FORWARD -m physdev --physdev-in vb1"],
            "udp c->b:53", "counted [filter/FORWARD#3], arrived: b"),
    ];

    public static TheoryData<string> Names() => new(All.Select(c => c.Name));

    public static TheoryData<string> EveryName() => new(All.Concat(EngineGaps).Select(c => c.Name));

    public static TheoryData<string> GapNames() => new(EngineGaps.Select(c => c.Name));

    public static KernelCase Named(string name) => All.Concat(EngineGaps).Single(c => c.Name == name);
}
