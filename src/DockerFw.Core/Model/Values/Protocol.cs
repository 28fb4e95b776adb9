namespace DockerFw.Core.Model.Values;

/// <summary>An IP protocol number, remembering the name it was written with.</summary>
public sealed record Protocol(int Number, string Name)
{
    public const int Icmp = 1, Tcp = 6, Udp = 17, Gre = 47, Esp = 50, Ah = 51, IcmpV6 = 58, Sctp = 132, UdpLite = 136;

    // The names xtables knows itself plus the /etc/protocols names iptables-save <= 1.8.10 prints.
    // Not frozen: the table is built at every start, and freezing it cost more than the lookups of `fmt` of a small dump
    // save (all the reader's frozen tables: 1.4 -> 0.7 M instructions of start; docs/performance.md, "Reader on every shape").
    private static readonly Dictionary<string, int> Numbers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["all"] = 0, ["icmp"] = 1, ["igmp"] = 2, ["ipencap"] = 4, ["tcp"] = 6, ["egp"] = 8, ["igp"] = 9,
        ["udp"] = 17, ["dccp"] = 33, ["ipv6"] = 41, ["ipv6-route"] = 43, ["ipv6-frag"] = 44, ["rsvp"] = 46,
        ["gre"] = 47, ["esp"] = 50, ["ah"] = 51, ["icmpv6"] = 58, ["ipv6-icmp"] = 58, ["ipv6-nonxt"] = 59,
        ["ipv6-opts"] = 60, ["ospf"] = 89, ["ipip"] = 94, ["etherip"] = 97, ["encap"] = 98, ["pim"] = 103,
        ["ipcomp"] = 108, ["vrrp"] = 112, ["l2tp"] = 115, ["isis"] = 124, ["sctp"] = 132, ["fc"] = 133,
        ["mobility-header"] = 135, ["mh"] = 135, ["udplite"] = 136, ["mpls-in-ip"] = 137, ["manet"] = 138,
        ["hip"] = 139, ["shim6"] = 140, ["wesp"] = 141, ["rohc"] = 142,
    };

    public static Protocol All { get; } = new(0, "all");

    public bool IsAll => Number == 0;

    /// <summary>tcp, udp, sctp, dccp and udplite carry ports.</summary>
    public bool HasPorts => Number is Tcp or Udp or Sctp or UdpLite or 33;

    public static bool TryParse(string text, out Protocol? protocol)
    {
        protocol = null;
        if (Numbers.TryGetValue(text, out var n))
        {
            protocol = new Protocol(n, text.ToLowerInvariant());
            return true;
        }

        if (int.TryParse(text, System.Globalization.NumberStyles.None, null, out n) && n is >= 0 and <= 255)
        {
            protocol = new Protocol(n, text);
            return true;
        }

        return false;
    }

    public static Protocol FromNumber(int number) =>
        new(number, Numbers.FirstOrDefault(kv => kv.Value == number && kv.Key != "icmpv6").Key ?? number.ToString());

    public override string ToString() => Name;
}
