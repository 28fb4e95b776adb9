using System.Collections.Immutable;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.IpSets;
using static DockerFw.Tests.Semantics.Packets;
using static DockerFw.Tests.Semantics.TraceText;

namespace DockerFw.Tests.Semantics;

/// <summary>
/// Every match kind, one condition at a time: <c>-A FORWARD CONDITION -j ACCEPT</c> under a DROP
/// policy, so "ACCEPT" means the condition held, "DROP" that it did not, "MAYBE" that the engine
/// cannot tell and says so.
/// </summary>
public sealed class MatchTests
{
    // The packet: tcp 10.0.0.1:40000 -> 172.17.0.2:80, SYN, NEW, mark 0x0, routed eth0 -> docker0.
    private static readonly Packet Web = Tcp("10.0.0.1:40000", "172.17.0.2:80", "eth0", "docker0");

    [Theory]
    [InlineData("-s 10.0.0.1/32", "ACCEPT")]
    [InlineData("-s 10.0.0.0/8", "ACCEPT")]
    [InlineData("! -s 10.0.0.0/8", "DROP")]
    [InlineData("-s 10.9.9.1/255.0.0.255", "ACCEPT")] // non-contiguous: 10.x.x.1
    [InlineData("-s 10.0.0.2/255.0.0.255", "DROP")]
    [InlineData("-d 172.17.0.0/16", "ACCEPT")]
    [InlineData("-d 172.18.0.0/16", "DROP")]
    [InlineData("-i eth0", "ACCEPT")]
    [InlineData("-i eth+", "ACCEPT")]
    [InlineData("-i docker0", "DROP")]
    [InlineData("! -i docker0", "ACCEPT")]
    [InlineData("-o docker0", "ACCEPT")]
    [InlineData("-o br-+", "DROP")]
    [InlineData("-p tcp", "ACCEPT")]
    [InlineData("-p udp", "DROP")]
    [InlineData("! -p udp", "ACCEPT")]
    [InlineData("-p all", "ACCEPT")]
    [InlineData("-f", "DROP")]
    [InlineData("! -f", "ACCEPT")]
    [InlineData("-p tcp -m tcp --dport 80", "ACCEPT")]
    [InlineData("-p tcp -m tcp --dport 1:79", "DROP")]
    [InlineData("-p tcp -m tcp ! --dport 22", "ACCEPT")]
    [InlineData("-p tcp -m tcp --sport 1024:65535", "ACCEPT")]
    [InlineData("-p tcp -m tcp --tcp-flags SYN,RST,ACK SYN", "ACCEPT")]
    [InlineData("-p tcp -m tcp --tcp-flags FIN,SYN,RST,PSH,ACK,URG NONE", "DROP")]
    [InlineData("-p tcp -m tcp ! --tcp-flags SYN,ACK SYN", "DROP")]
    [InlineData("-p tcp -m multiport --dports 22,80,443", "ACCEPT")]
    [InlineData("-p tcp -m multiport --dports 8000:9000", "DROP")]
    [InlineData("-p tcp -m multiport ! --sports 53,123", "ACCEPT")]
    [InlineData("-p tcp -m multiport --ports 40000", "ACCEPT")]
    [InlineData("-m conntrack --ctstate NEW", "ACCEPT")]
    [InlineData("-m conntrack --ctstate RELATED,ESTABLISHED", "DROP")]
    [InlineData("-m conntrack ! --ctstate RELATED,ESTABLISHED", "ACCEPT")]
    [InlineData("-m conntrack --ctstate DNAT", "DROP")]
    [InlineData("-m state --state NEW", "ACCEPT")]
    [InlineData("-m mark --mark 0x0", "ACCEPT")]
    [InlineData("-m mark ! --mark 0x0", "DROP")]
    [InlineData("-m mark --mark 0x0/0x4000", "ACCEPT")]
    [InlineData("-m connmark --mark 0x0", "ACCEPT")]
    [InlineData("-m iprange --src-range 10.0.0.0-10.0.0.9", "ACCEPT")]
    [InlineData("-m iprange ! --dst-range 172.17.0.1-172.17.0.9", "DROP")]
    [InlineData("-m comment --comment \"anything at all\"", "ACCEPT")]
    [InlineData("-m physdev --physdev-is-bridged", "DROP")] // routed: br_netfilter never saw it
    [InlineData("-m physdev ! --physdev-is-in", "ACCEPT")]
    [InlineData("-m physdev ! --physdev-in veth0", "ACCEPT")]
    [InlineData("-m addrtype --dst-type MULTICAST", "DROP")]
    [InlineData("-m addrtype --dst-type LOCAL", "MAYBE")] // the host's addresses are not given
    [InlineData("-m set --match-set blocked src", "MAYBE")]
    [InlineData("-m limit --limit 5/min", "MAYBE")]
    [InlineData("-m statistic --mode random --probability 0.50000000000", "MAYBE")]
    [InlineData("-m recent --rcheck --name SSH", "MAYBE")]
    [InlineData("-m recent --set --name SSH", "ACCEPT")]
    [InlineData("-m owner --uid-owner 0", "MAYBE")]
    [InlineData("-m string --string secret --algo bm", "MAYBE")]
    [InlineData("-m ipp2p --whatever x", "MAYBE")]
    [InlineData("-m socket", "MAYBE")] // a module loaded without options still tests something
    [InlineData("-m set --match-set blocked src --return-nomatch", "MAYBE")]
    [InlineData("-p tcp -m tcp --tcp-option 2", "MAYBE")]
    [InlineData("-m conntrack --ctstate NEW --ctorigdst 172.17.0.2", "ACCEPT")]
    [InlineData("-m conntrack --ctorigdst 10.96.0.0/12", "DROP")]
    [InlineData("-m conntrack ! --ctorigsrc 10.0.0.0/8", "DROP")]
    [InlineData("-m conntrack --ctproto tcp --ctorigdstport 80", "ACCEPT")]
    [InlineData("-m conntrack --ctorigsrcport 1:1023", "DROP")]
    [InlineData("-m conntrack --ctdir ORIGINAL", "ACCEPT")]
    [InlineData("-m conntrack --ctstatus ASSURED", "MAYBE")]
    [InlineData("-m addrtype --dst-type LOCAL --limit-iface-in", "MAYBE")]
    [InlineData("-p udp -m limit --limit 5/min", "DROP")] // a false condition outweighs an unknown one
    public void A_condition_on_a_routed_tcp_packet(string condition, string expected) =>
        Assert.Equal(expected, Verdict(condition, Web));

    [Theory]
    [InlineData("-p icmp -m icmp --icmp-type 8", "ACCEPT")]
    [InlineData("-p icmp -m icmp --icmp-type 8/0", "ACCEPT")]
    [InlineData("-p icmp -m icmp --icmp-type 0", "DROP")]
    [InlineData("-p icmp -m icmp ! --icmp-type 0", "ACCEPT")]
    [InlineData("-p icmp -m icmp --icmp-type any", "ACCEPT")]
    [InlineData("-p tcp", "DROP")]
    public void A_condition_on_a_ping(string condition, string expected) =>
        Assert.Equal(expected, Verdict(condition, Ping("10.0.0.1", "172.17.0.2", "eth0", "docker0")));

    [Theory]
    [InlineData("-p tcp -m tcp --dport 80", "DROP")] // a later fragment carries no ports: never matches
    [InlineData("-p tcp -m tcp ! --dport 22", "DROP")]
    [InlineData("-f", "ACCEPT")]
    [InlineData("-p tcp -m tcp", "DROP")] // -m tcp alone still needs the TCP header
    [InlineData("-p tcp", "ACCEPT")]
    public void A_condition_on_a_later_fragment(string condition, string expected) =>
        Assert.Equal(expected, Verdict(condition, Web with { Fragment = true }));

    [Theory]
    [InlineData("-p tcp -m tcp --dport 80", "MAYBE")]
    [InlineData("-p tcp -m tcp --dport 0:65535", "ACCEPT")]
    [InlineData("-p tcp -m tcp --sport 40000", "ACCEPT")]
    public void A_port_not_given_is_unknown_not_zero(string condition, string expected) =>
        Assert.Equal(expected, Verdict(condition, Web with { DestinationPort = null }));

    [Theory]
    [InlineData("-m addrtype --dst-type LOCAL", "192.0.2.10", "ACCEPT")]
    [InlineData("-m addrtype --dst-type LOCAL", "172.17.0.2", "DROP")]
    [InlineData("-m addrtype --dst-type UNICAST", "172.17.0.2", "ACCEPT")]
    [InlineData("-m addrtype --dst-type BROADCAST", "172.17.255.255", "ACCEPT")]
    [InlineData("-m addrtype ! --dst-type LOCAL", "172.17.0.1", "DROP")]
    [InlineData("-m addrtype --dst-type LOCAL", "127.0.0.53", "ACCEPT")]
    [InlineData("-m set --match-set blocked dst", "172.17.0.2", "ACCEPT")]
    [InlineData("-m set ! --match-set blocked dst", "172.17.0.9", "ACCEPT")]
    // A set that tests one address takes the first direction alone (ip_set_test; IpSetKernelTests).
    [InlineData("-m set --match-set blocked src,dst", "172.17.0.2", "DROP")]
    [InlineData("-m set --match-set blocked dst,src", "172.17.0.2", "ACCEPT")]
    public void Conditions_the_host_decides_are_exact_when_the_context_knows_the_host(string condition, string destination, string expected)
    {
        var context = new EvaluationContext
        {
            Addresses = [Host("eth0", "192.0.2.10", 24), Host("docker0", "172.17.0.1", 16)],
            IpSets = new Dictionary<string, IpSetMembers>
            {
                ["blocked"] = IpSetMembers.Of(AddressMask.Host(IpFamily.V4, Ip("172.17.0.2"))),
            }.ToImmutableDictionary(),
        };

        Assert.Equal(expected, Verdict(condition, Web with { Destination = Ip(destination) }, context));
    }

    internal static InterfaceAddress Host(string name, string address, int prefix) => new(name, IpFamily.V4, Ip(address), prefix);

    private static string Verdict(string condition, Packet packet, EvaluationContext? context = null)
    {
        var result = Trace($"""
            *filter
            :FORWARD DROP [0:0]
            -A FORWARD {condition} -j ACCEPT
            COMMIT
            """, packet, PacketPath.Forward, context);
        if (!result.Certain)
        {
            // An unknown condition must name the rule it sits in.
            Assert.All(result.Doubts, d => Assert.Equal(3, d.Rule!.Line));
            return "MAYBE";
        }

        return result.Verdict!.Value.ToString().ToUpperInvariant();
    }
}
