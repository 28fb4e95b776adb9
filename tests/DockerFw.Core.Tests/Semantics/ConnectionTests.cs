using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Connections;
using static DockerFw.Tests.Semantics.Packets;

namespace DockerFw.Tests.Semantics;

/// <summary>"A can reach B" needs the first packet and the replies through, with NAT undone on the way back.</summary>
public sealed class ConnectionTests
{
    private static readonly EvaluationContext Host = new()
    {
        Addresses = [MatchTests.Host("eth0", "192.0.2.10", 24), MatchTests.Host("docker0", "172.17.0.1", 16)],
    };

    private const string DockerHost = """
        *nat
        :PREROUTING ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        :DOCKER - [0:0]
        -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
        -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
        -A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
        COMMIT
        *raw
        :PREROUTING ACCEPT [0:0]
        # raw runs before conntrack undoes SNAT: a reply to a masqueraded packet still shows the host's address here
        -A PREROUTING -d 192.0.2.10/32 -p tcp -m tcp --sport 443
        COMMIT
        *filter
        :FORWARD DROP [0:0]
        -A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
        -A FORWARD -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT
        -A FORWARD -i docker0 ! -o docker0 -j ACCEPT
        COMMIT
        """;

    [Fact]
    public void A_published_port_is_reachable_and_the_reply_leaves_with_the_published_address()
    {
        var result = ConnectionEvaluator.Evaluate(Dump.Read(DockerHost), Tcp("198.51.100.7:40000", "192.0.2.10:8080", "eth0", "docker0"), PacketPath.Forward, Host);

        Assert.Equal(Reachability.Reachable, result.Reachability);
        var reply = Assert.Single(result.Outcomes).Reply!;
        Assert.Equal("filter/FORWARD#3", TraceText.Counted(reply));
        Assert.Equal("192.0.2.10:8080 -> 198.51.100.7:40000",
            $"{Text(reply.Packet.Source)}:{reply.Packet.SourcePort} -> {Text(reply.Packet.Destination)}:{reply.Packet.DestinationPort}");
    }

    [Fact]
    public void A_reply_to_a_masqueraded_connection_is_seen_with_the_hosts_address_before_nat_and_the_containers_after()
    {
        var result = ConnectionEvaluator.Evaluate(Dump.Read(DockerHost), Tcp("172.17.0.2:40000", "198.51.100.7:443", "docker0", "eth0"), PacketPath.Forward, Host);

        Assert.Equal(Reachability.Reachable, result.Reachability);
        var outcome = Assert.Single(result.Outcomes);
        Assert.True(outcome.Request.Masqueraded);
        Assert.Equal("raw/PREROUTING#1 filter/FORWARD#1", TraceText.Counted(outcome.Reply!));
        Assert.Equal("172.17.0.2", Text(outcome.Reply!.Packet.Destination));
    }

    [Fact]
    public void An_accepted_first_packet_whose_replies_die_is_one_way()
    {
        var result = ConnectionEvaluator.Evaluate(Dump.Read("""
            *filter
            :FORWARD DROP [0:0]
            :ISOLATION - [0:0]
            -A FORWARD -j ISOLATION
            -A FORWARD -i br-a -o br-b -j ACCEPT
            # replies from b to a die here
            -A ISOLATION -i br-b -o br-a -j DROP
            -A ISOLATION -j RETURN
            COMMIT
            """), Tcp("10.1.0.2:40000", "10.2.0.2:80", "br-a", "br-b"), PacketPath.Forward);

        Assert.Equal(Reachability.OneWay, result.Reachability);
        Assert.Equal(PacketVerdict.Drop, Assert.Single(result.Outcomes).Reply!.Verdict);
    }

    [Fact]
    public void A_dropped_first_packet_is_blocked_and_no_reply_is_traced()
    {
        var result = ConnectionEvaluator.Evaluate(Dump.Read(DockerHost), Tcp("198.51.100.7:40000", "172.17.0.3:22", "eth0", "docker0"), PacketPath.Forward, Host);

        Assert.Equal(Reachability.Blocked, result.Reachability);
        Assert.Null(Assert.Single(result.Outcomes).Reply);
    }

    [Fact]
    public void A_local_service_answers_through_output()
    {
        var result = ConnectionEvaluator.Evaluate(Dump.Read("""
            *filter
            :INPUT DROP [0:0]
            :OUTPUT DROP [0:0]
            -A INPUT -i eth0 -p tcp -m tcp --dport 22 -j ACCEPT
            -A OUTPUT -o eth0 -p tcp -m tcp --sport 22 -m state --state ESTABLISHED -j ACCEPT
            COMMIT
            """), Tcp("198.51.100.7:40000", "192.0.2.10:22", "eth0"), PacketPath.Input);

        Assert.Equal(Reachability.Reachable, result.Reachability);
    }

    [Fact]
    public void A_reply_travels_in_the_reply_direction_of_the_original_connection()
    {
        var result = ConnectionEvaluator.Evaluate(Dump.Read("""
            *filter
            :FORWARD DROP [0:0]
            -A FORWARD -m conntrack --ctdir ORIGINAL --ctorigdst 192.0.2.10 -j ACCEPT
            # the reply comes from 172.17.0.2 but belongs to the connection the client opened to 192.0.2.10:8080
            -A FORWARD -m conntrack --ctdir REPLY --ctorigdst 192.0.2.10 --ctorigdstport 8080 -j ACCEPT
            COMMIT
            *nat
            :PREROUTING ACCEPT [0:0]
            -A PREROUTING -d 192.0.2.10/32 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
            COMMIT
            """), Tcp("198.51.100.7:40000", "192.0.2.10:8080", "eth0", "docker0"), PacketPath.Forward);

        Assert.Equal(Reachability.Reachable, result.Reachability);
        Assert.Equal("filter/FORWARD#2", TraceText.Counted(result.Outcomes[0].Reply!));
    }

    [Fact]
    public void A_ping_is_answered_by_an_echo_reply()
    {
        var reply = ConnectionEvaluator.ReplyTo(Ping("10.0.0.1", "10.0.0.2", "eth0", "eth1"), Ping("10.0.0.1", "10.0.0.2", "eth0", "eth1"));

        Assert.Equal(0, reply.IcmpType);
        Assert.Equal("eth1", reply.InInterface);
        Assert.Equal(ConntrackStates.Established, reply.State);
    }

    [Theory]
    // Every query is answered by its own reply type (IcmpStates); ICMPv6's node information query was left untyped.
    [InlineData(IpFamily.V4, 13, 14)]
    [InlineData(IpFamily.V4, 17, 18)]
    [InlineData(IpFamily.V6, 128, 129)]
    [InlineData(IpFamily.V6, 139, 140)]
    public void A_query_is_answered_by_its_reply_type(IpFamily family, int query, int reply)
    {
        var (from, to) = family == IpFamily.V4 ? ("10.0.0.1", "10.0.0.2") : ("fd00::1", "fd00::2");
        var request = new Packet(family, IpAddressValue.Parse(from, family), IpAddressValue.Parse(to, family), family == IpFamily.V4 ? Protocol.Icmp : Protocol.IcmpV6,
            IcmpType: query, IcmpCode: 0, InInterface: "eth0", OutInterface: "eth1", TcpFlags: TcpFlags.None);

        Assert.Equal(reply, ConnectionEvaluator.ReplyTo(request, request).IcmpType);
    }

    [Fact]
    public void An_uncertain_reply_makes_the_connection_possibly_one_way_with_the_doubt_attached()
    {
        var result = ConnectionEvaluator.Evaluate(Dump.Read("""
            *filter
            :FORWARD ACCEPT [0:0]
            -A FORWARD -i br-b -m set --match-set quarantined src -j DROP
            COMMIT
            """), Tcp("10.1.0.2:40000", "10.2.0.2:80", "br-a", "br-b"), PacketPath.Forward);

        Assert.False(result.Certain);
        Assert.Equal([Reachability.Reachable, Reachability.OneWay], result.Possible.ToArray());
        Assert.Contains(result.Outcomes.Single(o => o.Reachability == Reachability.OneWay).Reply!.Doubts, d => d.Reason.Contains("quarantined"));
    }

    /// <summary>Oracle F38: a NEW-only accept toward the container, Docker's RELATED,ESTABLISHED accept only toward the client.</summary>
    private const string NewOnlyToContainer = """
        *nat
        :PREROUTING ACCEPT [0:0]
        :DOCKER - [0:0]
        -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
        -A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
        COMMIT
        *filter
        :FORWARD DROP [0:0]
        -A FORWARD -i docker0 ! -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
        -A FORWARD -d 172.17.0.2/32 -o docker0 -p tcp -m tcp --dport 80 -m conntrack --ctstate NEW -j ACCEPT
        COMMIT
        """;

    [Fact]
    public void A_published_port_whose_later_packets_die_is_opening_only_traced_de_natted()
    {
        var result = ConnectionEvaluator.Evaluate(Dump.Read(NewOnlyToContainer), Tcp("198.51.100.7:40000", "192.0.2.10:8080", "eth0", "docker0"), PacketPath.Forward, Host);

        Assert.Equal(Reachability.OpeningOnly, result.Reachability);
        var later = Assert.Single(result.Outcomes).Later!;
        Assert.Equal("172.17.0.2:80", $"{Text(later.Packet.Destination)}:{later.Packet.DestinationPort}");
    }

    [Fact]
    public void Later_packets_accepted_as_established_keep_the_connection_reachable()
    {
        var result = ConnectionEvaluator.Evaluate(Dump.Read(NewOnlyToContainer.Replace("--ctstate NEW", "--ctstate NEW,ESTABLISHED")),
            Tcp("198.51.100.7:40000", "192.0.2.10:8080", "eth0", "docker0"), PacketPath.Forward, Host);

        Assert.Equal(Reachability.Reachable, result.Reachability);
    }
}
