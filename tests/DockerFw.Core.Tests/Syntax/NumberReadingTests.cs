using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.IptablesSave;
using static DockerFw.Core.Tests.Syntax.AssertReader;

namespace DockerFw.Core.Tests.Syntax;

/// <summary>
/// Numbers and addresses read as iptables reads them, each case as iptables-legacy-restore and
/// iptables-nft-restore 1.8.9 loaded it and iptables-save printed it back (docs/acceptance.md): C's
/// strtoul with base 0 where libxtables uses it (<c>010</c> is 8), decimal where getaddrinfo reads a
/// port (udp, dccp), inet_pton in the NAT targets. The kernel tests load the same forms.
/// </summary>
public class NumberReadingTests
{
    [Theory]
    [InlineData("-A INPUT -p tcp -m tcp --dport 010 -j ACCEPT", "-A INPUT -p tcp -m tcp --dport 8 -j ACCEPT")]
    [InlineData("-A INPUT -p tcp -m tcp --dport 0x50 -j ACCEPT", "-A INPUT -p tcp -m tcp --dport 80 -j ACCEPT")]
    [InlineData("-A INPUT -p tcp -m tcp --dport 0X50 -j ACCEPT", "-A INPUT -p tcp -m tcp --dport 80 -j ACCEPT")]
    [InlineData("-A INPUT -p tcp -m tcp --dport +80 -j ACCEPT", "-A INPUT -p tcp -m tcp --dport 80 -j ACCEPT")]
    [InlineData("-A INPUT -p tcp -m tcp --sport 010:0x20 -j ACCEPT", "-A INPUT -p tcp -m tcp --sport 8:32 -j ACCEPT")]
    [InlineData("-A INPUT -p tcp -m tcp --sport 0x50: -j ACCEPT", "-A INPUT -p tcp -m tcp --sport 80:65535 -j ACCEPT")]
    [InlineData("-A INPUT -p sctp -m sctp --sport 010:0x20 -j ACCEPT", "-A INPUT -p sctp -m sctp --sport 8:32 -j ACCEPT")]
    [InlineData("-A INPUT -p tcp -m multiport --dports 010,0x10,+5:0x7 -j ACCEPT", "-A INPUT -p tcp -m multiport --dports 8,16,5:7 -j ACCEPT")]
    [InlineData("-A INPUT -p udp -m udp --sport 010 -j ACCEPT", "-A INPUT -p udp -m udp --sport 10 -j ACCEPT")]
    [InlineData("-A INPUT -p udp -m udp --sport 00080 -j ACCEPT", "-A INPUT -p udp -m udp --sport 80 -j ACCEPT")]
    [InlineData("-A INPUT -p udp -m udp --sport 010:020 -j ACCEPT", "-A INPUT -p udp -m udp --sport 10:20 -j ACCEPT")]
    [InlineData("-A INPUT -p udp -m udp --sport 65617 -j ACCEPT", "-A INPUT -p udp -m udp --sport 81 -j ACCEPT")]
    [InlineData("-A INPUT -p udp -m udp --sport 4294967296 -j ACCEPT", "-A INPUT -p udp -m udp --sport 0 -j ACCEPT")]
    [InlineData("-A INPUT -p udp -m udp --sport :90 -j ACCEPT", "-A INPUT -p udp -m udp --sport 0:90 -j ACCEPT")]
    [InlineData("-A INPUT -p dccp -m dccp --sport 010 -j ACCEPT", "-A INPUT -p dccp -m dccp --sport 10 -j ACCEPT")]
    public void Ports_are_read_as_each_extension_reads_them(string line, string canonical) => SucceedsWith(line, canonical);

    [Theory]
    [InlineData("-A INPUT -p tcp -m tcp --dport 08 -j ACCEPT", 32)]
    [InlineData("-A INPUT -p tcp -m tcp --dport 0x -j ACCEPT", 32)]
    [InlineData("-A INPUT -p tcp -m tcp --dport 00008 -j ACCEPT", 32)]
    [InlineData("-A INPUT -p tcp -m tcp --dport 0080 -j ACCEPT", 32)]
    [InlineData("-A INPUT -p tcp -m tcp --dport -1 -j ACCEPT", 32)]
    [InlineData("-A INPUT -p tcp -m tcp --dport 65536 -j ACCEPT", 32)]
    [InlineData("-A INPUT -p tcp -m tcp --dport 90:80 -j ACCEPT", 32)]
    [InlineData("-A INPUT -p sctp -m sctp --dport 90:80 -j ACCEPT", 34)]
    [InlineData("-A INPUT -p tcp -m multiport --dports 08 -j ACCEPT", 39)]
    [InlineData("-A INPUT -p udp -m udp --sport 0x20 -j ACCEPT", 32)]
    [InlineData("-A INPUT -p udp -m udp --sport 2147483648 -j ACCEPT", 32)]
    [InlineData("-A INPUT -p udp -m udp --sport 80::90 -j ACCEPT", 32)]
    [InlineData("-A INPUT -p udp -m udp --sport -1 -j ACCEPT", 32)]
    [InlineData("-A INPUT -p dccp -m dccp --sport 0x10 -j ACCEPT", 34)]
    [InlineData("-A INPUT -p udplite --sport 10 -j ACCEPT", 21)]
    public void Ports_the_extensions_refuse_are_refused(string line, int column) => FailsAt(line, column);

    [Fact]
    public void A_reversed_udp_range_is_kept_in_the_numbers_save_prints() =>
        WarnsWith("-A INPUT -p udp -m udp --sport 020:010 -j ACCEPT", "-A INPUT -p udp -m udp --sport 20:10 -j ACCEPT",
            "t:4:32: warning: port range '020:010' has its first port above its last, so it matches no packet; kept verbatim [DFW154]");

    [Theory]
    [InlineData("-A INPUT -d 1.2.3.4/+8 -j ACCEPT", "-A INPUT -d 1.0.0.0/8 -j ACCEPT")]
    [InlineData("-A INPUT -d 1.2.3.4/0X8 -j ACCEPT", "-A INPUT -d 1.0.0.0/8 -j ACCEPT")]
    [InlineData("-A INPUT -d 1.2.3.4/0x10 -j ACCEPT", "-A INPUT -d 1.2.0.0/16 -j ACCEPT")]
    [InlineData("-A INPUT -d 1.2.3.4/010 -j ACCEPT", "-A INPUT -d 1.0.0.0/8 -j ACCEPT")]
    [InlineData("-A INPUT -d 1.2.3.4/0377.0.0.0 -j ACCEPT", "-A INPUT -d 1.0.0.0/8 -j ACCEPT")]
    [InlineData("-A INPUT -d 1.2.3.4/0xff.0.0.0 -j ACCEPT", "-A INPUT -d 1.0.0.0/8 -j ACCEPT")]
    [InlineData("-A INPUT -s 1.2.3 -j ACCEPT", "-A INPUT -s 1.2.3.0/32 -j ACCEPT")]
    [InlineData("-A INPUT -s 1.2 -j ACCEPT", "-A INPUT -s 1.2.0.0/32 -j ACCEPT")]
    [InlineData("-A INPUT -s 1 -j ACCEPT", "-A INPUT -s 1.0.0.0/32 -j ACCEPT")]
    [InlineData("-A INPUT -s 1.2.3/16 -j ACCEPT", "-A INPUT -s 1.2.0.0/16 -j ACCEPT")]
    [InlineData("-A INPUT -s 010.1.2.3 -j ACCEPT", "-A INPUT -s 8.1.2.3/32 -j ACCEPT")]
    [InlineData("-A INPUT -s 0x0a.1.2.3 -j ACCEPT", "-A INPUT -s 10.1.2.3/32 -j ACCEPT")]
    [InlineData("-A INPUT -s +1.2.3.4 -j ACCEPT", "-A INPUT -s 1.2.3.4/32 -j ACCEPT")]
    [InlineData("-A INPUT -s 16909060 -j ACCEPT", "-A INPUT -s 1.2.3.4/32 -j ACCEPT")]
    [InlineData("-A INPUT -s 1.2.768 -j ACCEPT", "-A INPUT -s 1.2.3.0/32 -j ACCEPT")]
    [InlineData("-A INPUT -m iprange --src-range 010.1.2-9.2.3.0x4 -j ACCEPT", "-A INPUT -m iprange --src-range 8.1.2.0-9.2.3.4 -j ACCEPT")]
    public void Addresses_and_prefix_lengths_are_read_as_libxtables_reads_them(string line, string canonical) =>
        SucceedsWith(line, canonical);

    [Theory]
    [InlineData("-A INPUT -s 2001:db8::1/0x40 -j ACCEPT", "-A INPUT -s 2001:db8::/64 -j ACCEPT")]
    [InlineData("-A INPUT -s 2001:db8::1/0100 -j ACCEPT", "-A INPUT -s 2001:db8::/64 -j ACCEPT")]
    public void Ipv6_prefix_lengths_are_base_0_numbers(string line, string canonical) => SucceedsWith(line, canonical, IpFamily.V6);

    [Theory]
    [InlineData("-A INPUT -d 1.2.3.4/00008 -j ACCEPT")]
    [InlineData("-A INPUT -d 1.2.3.4/08 -j ACCEPT")]
    [InlineData("-A INPUT -d 1.2.3.4/33 -j ACCEPT")]
    [InlineData("-A INPUT -d 1.2.3.4/ -j ACCEPT")]
    [InlineData("-A INPUT -d 1.2.3.256 -j ACCEPT")]
    [InlineData("-A INPUT -d 1.2.3.4. -j ACCEPT")]
    [InlineData("-A INPUT -d 1..3.4 -j ACCEPT")]
    [InlineData("-A INPUT -d 1.2.3.08 -j ACCEPT")]
    [InlineData("-A INPUT -d localhost -j ACCEPT")]
    public void Addresses_libxtables_refuses_or_would_resolve_are_refused(string line) => FailsAt(line, 13);

    [Theory]
    [InlineData("-A USER -p tcp -j DNAT --to-destination 10.0.0.1:0x50", "-A USER -p tcp -j DNAT --to-destination 10.0.0.1:80")]
    [InlineData("-A USER -p tcp -j DNAT --to-destination 10.0.0.1:010", "-A USER -p tcp -j DNAT --to-destination 10.0.0.1:8")]
    [InlineData("-A USER -p tcp -j DNAT --to-destination 10.0.0.1:80-0x60", "-A USER -p tcp -j DNAT --to-destination 10.0.0.1:80-96")]
    [InlineData("-A USER -p tcp -j DNAT --to-destination 10.0.0.1:+80", "-A USER -p tcp -j DNAT --to-destination 10.0.0.1:80")]
    [InlineData("-A USER -p tcp -j DNAT --to-destination :80", "-A USER -p tcp -j DNAT --to-destination :80")]
    [InlineData("-A USER -p tcp -j SNAT --to-source 10.0.0.1:0", "-A USER -p tcp -j SNAT --to-source 10.0.0.1:0")]
    [InlineData("-A USER -p tcp -j REDIRECT --to-ports 010", "-A USER -p tcp -j REDIRECT --to-ports 8")]
    [InlineData("-A USER -p tcp -j REDIRECT --to-ports 80-0x60", "-A USER -p tcp -j REDIRECT --to-ports 80-96")]
    [InlineData("-A USER -p tcp -j MASQUERADE --to-ports 010-0x20", "-A USER -p tcp -j MASQUERADE --to-ports 8-32")]
    public void Nat_ports_are_base_0_numbers(string line, string canonical) => SucceedsWith(line, canonical, table: "nat");

    [Theory]
    [InlineData("-A USER -p tcp -j DNAT --to-destination 10.0.0.1:08")]
    [InlineData("-A USER -p tcp -j DNAT --to-destination 010.0.0.1")]
    [InlineData("-A USER -p tcp -j DNAT --to-destination 10.00.0.1")]
    [InlineData("-A USER -p tcp -j DNAT --to-destination 10.0.0.1-10.0.0.09")]
    [InlineData("-A USER -p tcp -j DNAT --to-destination 1.2.3")]
    [InlineData("-A USER -p tcp -j DNAT --to-destination 10.0.0.1:65536")]
    [InlineData("-A USER -p tcp -j DNAT --to-destination 10.0.0.1:80-")]
    [InlineData("-A USER -p tcp -j DNAT --to-destination 10.0.0.1:-80")]
    [InlineData("-A USER -p tcp -j DNAT --to-destination 10.0.0.1:90-80")]
    [InlineData("-A USER -p tcp -j DNAT --to-destination 10.0.0.1:")]
    [InlineData("-A USER -p tcp -j SNAT --to-source 010.1.1.1")]
    public void Nat_addresses_are_strict_dotted_decimal(string line)
    {
        var result = Read(line, table: "nat");
        Assert.Equal(["DFW106"], result.Errors.Select(e => e.Code));
        Assert.Empty(result.Value!.Rules);
    }

    [Theory]
    [InlineData("-A INPUT -m mark --mark 010 -j ACCEPT", "-A INPUT -m mark --mark 0x8 -j ACCEPT")]
    [InlineData("-A INPUT -m mark --mark 010/0x0f -j ACCEPT", "-A INPUT -m mark --mark 0x8/0xf -j ACCEPT")]
    [InlineData("-A INPUT -m mark --mark +8 -j ACCEPT", "-A INPUT -m mark --mark 0x8 -j ACCEPT")]
    [InlineData("-A INPUT -m mark --mark 0xffffffff -j ACCEPT", "-A INPUT -m mark --mark 0xffffffff -j ACCEPT")]
    [InlineData("-A INPUT -j MARK --set-mark 010", "-A INPUT -j MARK --set-xmark 0x8/0xffffffff")]
    [InlineData("-A INPUT -p icmp -m icmp --icmp-type 010 -j ACCEPT", "-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT")]
    [InlineData("-A INPUT -p icmp -m icmp --icmp-type 8/010 -j ACCEPT", "-A INPUT -p icmp -m icmp --icmp-type 8/8 -j ACCEPT")]
    [InlineData("-A INPUT -p icmp -m icmp --icmp-type 0x8 -j ACCEPT", "-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT")]
    [InlineData("-A INPUT -p 010 -j ACCEPT", "-A INPUT -p egp -j ACCEPT")]
    [InlineData("-A INPUT -p 0x6 -j ACCEPT", "-A INPUT -p tcp -j ACCEPT")]
    [InlineData("-A INPUT -p 06 -m tcp --dport 22 -j ACCEPT", "-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT")]
    public void Marks_icmp_types_and_protocols_are_base_0_numbers(string line, string canonical) => SucceedsWith(line, canonical);

    [Theory]
    [InlineData("-A INPUT -m mark --mark 08 -j ACCEPT", 25)]
    [InlineData("-A INPUT -m mark --mark 0x100000000 -j ACCEPT", 25)]
    [InlineData("-A INPUT -m mark --mark 4294967296 -j ACCEPT", 25)]
    [InlineData("-A INPUT -p icmp -m icmp --icmp-type 08 -j ACCEPT", 38)]
    [InlineData("-A INPUT -p icmp -m icmp --icmp-type 256 -j ACCEPT", 38)]
    [InlineData("-A INPUT -p 08 -j ACCEPT", 13)]
    [InlineData("-A INPUT -p 256 -j ACCEPT", 13)]
    public void Numbers_strtoul_does_not_take_whole_are_refused(string line, int column) => FailsAt(line, column);

    /// <summary>
    /// The binder reads save's own form of <c>-s</c>/<c>-d</c> by a shorter way (XtablesAddress.TryParsePlainMasked);
    /// whatever it takes, libxtables' reading (TryParseMasked) takes to the same address and mask. Seeded texts from
    /// the characters both forms use, biased to near misses (leading zeros, 256, /33, a fifth part, hex groups).
    /// </summary>
    [Theory]
    [InlineData(IpFamily.V4, "0123456789./", 4)]
    [InlineData(IpFamily.V6, "0123456789abcdefABCDEF:./x", 6)]
    public void Save_form_addresses_are_read_as_libxtables_reads_them(IpFamily family, string alphabet, int seed)
    {
        var random = new Random(seed);
        var plain = 0;
        string[] starts = family == IpFamily.V4 ? ["10.0.0.1", "255.255.255.255", "0.0.0.0/0", "1.2.3.4/32", "192.168.1.0/24"] : ["fd00::2/128", "::", "::/0", "2001:db8:0:1:2:3:4:5/64", "fe80::1"];
        for (var i = 0; i < 50_000; i++)
        {
            var text = starts[random.Next(starts.Length)].ToCharArray();
            for (var edits = random.Next(3); edits > 0; edits--) text[random.Next(text.Length)] = alphabet[random.Next(alphabet.Length)];
            var candidate = new string(text);
            if (!XtablesAddress.TryParsePlainMasked(candidate, family, out var fast)) continue;
            plain++;
            Assert.True(XtablesAddress.TryParseMasked(candidate, family, out var reference), $"seed {seed}: '{candidate}' read by the short way only");
            Assert.Equal(reference, fast);
        }

        Assert.True(plain > 10_000, $"seed {seed}: only {plain} texts in save's form");
    }
}
