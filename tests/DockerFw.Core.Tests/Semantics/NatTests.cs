using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using static DockerFw.Tests.Semantics.Packets;
using static DockerFw.Tests.Semantics.TraceText;

namespace DockerFw.Tests.Semantics;

/// <summary>nat tables: first packet only, DNAT before routing and filter, SNAT/MASQUERADE on the way out.</summary>
public sealed class NatTests
{
    // A Docker published port: host 192.0.2.10:8080 -> container 172.17.0.2:80.
    private const string PublishedPort = """
        *nat
        :PREROUTING ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        :DOCKER - [0:0]
        -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
        -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
        -A DOCKER -i docker0 -j RETURN
        -A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
        COMMIT
        *mangle
        :PREROUTING ACCEPT [0:0]
        # mangle runs before nat: it still sees the host's address
        -A PREROUTING -d 192.0.2.10/32
        COMMIT
        *filter
        :FORWARD DROP [0:0]
        # FORWARD sees the container's address and port, and the DNAT state
        -A FORWARD -d 172.17.0.2/32 -o docker0 -p tcp -m tcp --dport 80 -m conntrack --ctstate NEW,DNAT -j ACCEPT
        COMMIT
        """;

    private static readonly EvaluationContext Host = new()
    {
        Addresses = [MatchTests.Host("eth0", "192.0.2.10", 24), MatchTests.Host("docker0", "172.17.0.1", 16)],
    };

    [Fact]
    public void Dnat_rewrites_the_destination_before_mangle_is_left_and_filter_sees_the_container()
    {
        var result = Trace(PublishedPort, Tcp("198.51.100.7:40000", "192.0.2.10:8080", "eth0", "docker0"), PacketPath.Forward, Host);

        Assert.Equal(PacketVerdict.Accept, result.Verdict);
        Assert.Equal("mangle/PREROUTING#1 nat/PREROUTING#1 nat/DOCKER#2 filter/FORWARD#1", result.Counted());
        var left = result.Single!.Packet;
        Assert.Equal("172.17.0.2", Text(left.Destination));
        Assert.Equal(80, left.DestinationPort);
        Assert.True(left.State.HasFlag(ConntrackStates.Dnat));
        Assert.Equal(NatKind.Dnat, Assert.Single(result.Single.Nat).Kind);
    }

    [Fact]
    public void Conntrack_remembers_the_original_destination_after_dnat()
    {
        var result = Trace("""
            *nat
            :PREROUTING ACCEPT [0:0]
            -A PREROUTING -d 192.0.2.10/32 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
            COMMIT
            *filter
            :FORWARD DROP [0:0]
            # the header now says 172.17.0.2:80; the connection still knows what the client asked for
            -A FORWARD -m conntrack --ctorigdst 192.0.2.10 --ctorigdstport 8080 -j ACCEPT
            COMMIT
            """, Tcp("198.51.100.7:40000", "192.0.2.10:8080", "eth0", "docker0"));

        Assert.Equal(PacketVerdict.Accept, result.Verdict);
    }

    [Fact]
    public void Without_a_connection_conntrack_tuple_options_fail_unless_a_state_is_tested_too()
    {
        const string dump = """
            *filter
            :FORWARD DROP [0:0]
            -A FORWARD -m conntrack ! --ctorigdst 10.9.9.9
            -A FORWARD -m conntrack --ctstate UNTRACKED ! --ctorigdst 192.0.2.10 -j ACCEPT
            COMMIT
            """;

        var result = Trace(dump, Tcp("198.51.100.7:40000", "192.0.2.10:8080", "eth0", "docker0") with { State = ConntrackStates.Untracked });

        Assert.Equal(PacketVerdict.Accept, result.Verdict);
        Assert.Equal("filter/FORWARD#2", result.Counted());
    }

    [Fact]
    public void Nat_tables_see_only_the_first_packet_of_a_connection()
    {
        var established = Tcp("198.51.100.7:40000", "192.0.2.10:8080", "eth0", "docker0") with { State = ConntrackStates.Established };

        var result = Trace(PublishedPort, established, PacketPath.Forward, Host);

        Assert.DoesNotContain(result.Matched, r => r.Table == "nat");
        Assert.Equal(PacketVerdict.Drop, result.Verdict); // no binding given: the destination stays the host's
    }

    [Fact]
    public void A_later_packet_gets_its_connections_binding_from_conntrack_not_from_the_nat_table()
    {
        var established = Tcp("198.51.100.7:40000", "192.0.2.10:8080", "eth0", "docker0") with
        {
            State = ConntrackStates.Established | ConntrackStates.Dnat,
            ConntrackNat = new ConntrackNat(Destination: Ip("172.17.0.2"), DestinationPort: 80),
        };

        var result = Trace(PublishedPort, established, PacketPath.Forward, Host);

        // --ctstate NEW,DNAT holds when either bit is set: DNAT is
        Assert.Equal(PacketVerdict.Accept, result.Verdict);
        Assert.Equal("mangle/PREROUTING#1 filter/FORWARD#1", result.Counted());
        Assert.Equal("172.17.0.2", Text(result.Single!.Packet.Destination));
    }

    [Fact]
    public void Masquerade_takes_the_out_interfaces_address_when_the_context_knows_it()
    {
        var result = Trace(PublishedPort, Tcp("172.17.0.2:40000", "198.51.100.7:443", "docker0", "eth0"), PacketPath.Forward, Host);

        var outcome = Assert.Single(result.Outcomes);
        Assert.Equal(PacketVerdict.Drop, outcome.Verdict); // FORWARD has no rule for the way out
        Assert.False(outcome.Masqueraded); // dropped in FORWARD, before POSTROUTING
    }

    [Fact]
    public void Masquerade_without_the_hosts_addresses_leaves_the_source_unknown_and_says_so()
    {
        const string dump = """
            *nat
            :POSTROUTING ACCEPT [0:0]
            -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
            COMMIT
            """;

        var unknown = Trace(dump, Tcp("172.17.0.2:40000", "198.51.100.7:443", "docker0", "eth0"));
        var known = Trace(dump, Tcp("172.17.0.2:40000", "198.51.100.7:443", "docker0", "eth0"), PacketPath.Forward, Host);

        Assert.True(unknown.Single!.Masqueraded);
        Assert.Equal(PacketFields.Source, unknown.Single.UnknownFields);
        Assert.Equal("192.0.2.10", Text(known.Single!.Packet.Source));
        Assert.Equal(PacketFields.None, known.Single.UnknownFields);
        Assert.True(known.Single.Packet.State.HasFlag(ConntrackStates.Snat));
    }

    [Fact]
    public void Masquerade_on_an_interface_without_an_address_drops_the_packet()
    {
        var result = Trace("""
            *nat
            :POSTROUTING ACCEPT [0:0]
            -A POSTROUTING -j MASQUERADE
            COMMIT
            """, Tcp("172.17.0.2:40000", "198.51.100.7:443", "docker0", "wg0"), PacketPath.Forward, Host);

        Assert.Equal(PacketVerdict.Drop, result.Verdict);
    }

    [Fact]
    public void Snat_to_a_range_leaves_the_source_unknown_rather_than_guessing_the_kernels_pick()
    {
        var result = Trace("""
            *nat
            :POSTROUTING ACCEPT [0:0]
            -A POSTROUTING -j SNAT --to-source 192.0.2.1-192.0.2.10
            COMMIT
            *filter
            :FORWARD ACCEPT [0:0]
            COMMIT
            """, Tcp("172.17.0.2:40000", "198.51.100.7:443", "docker0", "eth0"));

        Assert.Equal(PacketFields.Source, result.Single!.UnknownFields);
    }

    [Fact]
    public void Redirect_sends_the_packet_to_the_in_interfaces_address_and_local_output_to_loopback()
    {
        const string dump = """
            *nat
            :PREROUTING ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            -A PREROUTING -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 3128
            -A OUTPUT -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 3128
            COMMIT
            """;

        var arriving = Trace(dump, Tcp("198.51.100.7:40000", "203.0.113.5:80", "eth0"), PacketPath.Input, Host);
        var local = Trace(dump, Tcp("192.0.2.10:40000", "203.0.113.5:80", null, "eth0"), PacketPath.Output, Host);

        Assert.Equal("192.0.2.10:3128", $"{Text(arriving.Single!.Packet.Destination)}:{arriving.Single.Packet.DestinationPort}");
        Assert.Equal("127.0.0.1:3128", $"{Text(local.Single!.Packet.Destination)}:{local.Single.Packet.DestinationPort}");
    }

    [Fact]
    public void Dnat_of_the_port_alone_keeps_the_address()
    {
        var result = Trace("""
            *nat
            :PREROUTING ACCEPT [0:0]
            -A PREROUTING -p tcp -m tcp --dport 2222 -j DNAT --to-destination :22
            COMMIT
            """, Tcp("198.51.100.7:40000", "192.0.2.10:2222", "eth0"), PacketPath.Input);

        Assert.Equal("192.0.2.10", Text(result.Single!.Packet.Destination));
        Assert.Equal(22, result.Single.Packet.DestinationPort);
    }

    [Fact]
    public void Snat_in_nat_input_happens_after_the_filter_table()
    {
        var result = Trace("""
            *nat
            :INPUT ACCEPT [0:0]
            -A INPUT -s 198.51.100.7/32 -j SNAT --to-source 10.9.9.9
            COMMIT
            *filter
            :INPUT DROP [0:0]
            -A INPUT -s 198.51.100.7/32 -j ACCEPT
            COMMIT
            """, Tcp("198.51.100.7:40000", "192.0.2.10:22", "eth0"), PacketPath.Input);

        Assert.Equal(PacketVerdict.Accept, result.Verdict);
        Assert.Equal("filter/INPUT#1 nat/INPUT#1", result.Counted());
        Assert.Equal("10.9.9.9", Text(result.Single!.Packet.Source));
    }

    [Fact]
    public void Related_invalid_and_untracked_packets_skip_the_nat_tables()
    {
        const string dump = """
            *nat
            :PREROUTING ACCEPT [0:0]
            -A PREROUTING -j DNAT --to-destination 172.17.0.2
            COMMIT
            """;

        foreach (var state in new[] { ConntrackStates.Related, ConntrackStates.Invalid, ConntrackStates.Untracked })
        {
            var result = Trace(dump, Tcp("198.51.100.7:40000", "192.0.2.10:80", "eth0", "docker0") with { State = state });
            Assert.Empty(result.Matched);
        }
    }

    [Fact]
    public void Notrack_in_raw_makes_the_packet_untracked_for_every_later_table()
    {
        var result = Trace("""
            *raw
            :PREROUTING ACCEPT [0:0]
            -A PREROUTING -p udp -m udp --dport 53 -j CT --notrack
            COMMIT
            *nat
            :PREROUTING ACCEPT [0:0]
            -A PREROUTING -j DNAT --to-destination 172.17.0.2
            COMMIT
            *filter
            :FORWARD DROP [0:0]
            -A FORWARD -m conntrack --ctstate UNTRACKED -j ACCEPT
            COMMIT
            """, Udp("198.51.100.7:40000", "192.0.2.53:53", "eth0", "eth1"));

        Assert.Equal(PacketVerdict.Accept, result.Verdict);
        Assert.Equal("raw/PREROUTING#1 filter/FORWARD#1", result.Counted());
    }
}
