using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;

namespace DockerFw.Tests.Semantics;

/// <summary>ip6tables dumps take the same walk; addresses are 128 bits and ICMP is ICMPv6.</summary>
public sealed class Ipv6Tests
{
    private static UInt128 Ip(string text) => IpAddressValue.Parse(text, IpFamily.V6);

    [Fact]
    public void A_published_ipv6_port_is_dnated_to_the_container_and_filtered_there()
    {
        var ruleset = Dump.Read("""
            *nat
            :PREROUTING ACCEPT [0:0]
            -A PREROUTING -d 2001:db8::10/128 -p tcp -m tcp --dport 8080 -j DNAT --to-destination [fd00:dead:beef::2]:80
            COMMIT
            *filter
            :FORWARD DROP [0:0]
            -A FORWARD -d fd00:dead:beef::/64 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT
            COMMIT
            """, IpFamily.V6);
        var packet = new Packet(IpFamily.V6, Ip("2001:db8::99"), Ip("2001:db8::10"), Protocol.Tcp, 40000, 8080,
            InInterface: "eth0", OutInterface: "docker0");

        var result = PacketTracer.Trace(ruleset, packet, PacketPath.Forward);

        Assert.Equal(PacketVerdict.Accept, result.Verdict);
        Assert.Equal(Ip("fd00:dead:beef::2"), result.Single!.Packet.Destination);
        Assert.Equal("nat/PREROUTING#1 filter/FORWARD#1", TraceText.Counted(result));
    }

    [Fact]
    public void Icmpv6_types_are_matched_and_rejects_keep_their_ipv6_type()
    {
        var ruleset = Dump.Read("""
            *filter
            :INPUT ACCEPT [0:0]
            -A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 128 -j REJECT --reject-with icmp6-adm-prohibited
            COMMIT
            """, IpFamily.V6);
        var ping = new Packet(IpFamily.V6, Ip("2001:db8::99"), Ip("2001:db8::10"), Protocol.IcmpV6, IcmpType: 128, IcmpCode: 0, InInterface: "eth0");

        var result = PacketTracer.Trace(ruleset, ping, PacketPath.Input);

        Assert.Equal(PacketVerdict.Reject, result.Verdict);
        Assert.Equal("icmp6-adm-prohibited", result.Single!.RejectWith);
    }

    [Fact]
    public void Loopback_and_multicast_address_types_need_no_context()
    {
        var ruleset = Dump.Read("""
            *filter
            :INPUT DROP [0:0]
            -A INPUT -m addrtype --src-type LOCAL --dst-type MULTICAST -j ACCEPT
            COMMIT
            """, IpFamily.V6);
        var packet = new Packet(IpFamily.V6, UInt128.One, Ip("ff02::1"), Protocol.Udp, 5353, 5353, InInterface: "lo");

        Assert.Equal(PacketVerdict.Accept, PacketTracer.Trace(ruleset, packet, PacketPath.Input).Verdict);
    }
}
