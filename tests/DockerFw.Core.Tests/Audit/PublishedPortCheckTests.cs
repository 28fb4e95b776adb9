using DockerFw.Core.Audit.Checks;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

public sealed class PublishedPortCheckTests
{
    private static readonly PublishedPortCheck Check = new();

    [Fact]
    public void A_port_published_on_every_address_is_reported_for_information() =>
        Assert.Equal(["DFW512"], Codes(Check, new DockerHost().ToString()));

    [Fact]
    public void A_port_INPUT_blocks_but_DNAT_forwards_is_the_ufw_bypass() =>
        Assert.Equal(["DFW512", "DFW513"], Codes(Check, new DockerHost(Input: """
            # must raise DFW513: the admin blocks 8080 on the host, DNAT sends it through FORWARD anyway
            -A INPUT -p tcp -m tcp --dport 8080 -j DROP
            """).ToString()));

    [Fact]
    public void INPUT_admitting_exactly_the_clients_the_forward_path_admits_is_no_bypass() =>
        Assert.Equal(["DFW511", "DFW512"], Codes(Check, new DockerHost(
            Input: """
                # the host port is open to the office only, on the host as through DNAT: nothing bypasses INPUT
                -A INPUT -s 203.0.113.0/24 -p tcp -m tcp --dport 8080 -j ACCEPT
                -A INPUT -p tcp -m tcp --dport 8080 -j DROP
                """,
            User: """
                -A DOCKER-USER ! -s 203.0.113.0/24 -d 192.0.2.2/32 -p tcp -m tcp --dport 80 -j DROP
                """).ToString()));

    [Fact]
    public void INPUT_admitting_fewer_clients_than_the_forward_path_is_the_ufw_bypass() =>
        Assert.Equal(["DFW511", "DFW512", "DFW513"], Codes(Check, new DockerHost(
            Input: """
                # must raise DFW513: INPUT admits 203.0.113.0/25, the forward path the whole /24
                -A INPUT -s 203.0.113.0/25 -p tcp -m tcp --dport 8080 -j ACCEPT
                -A INPUT -p tcp -m tcp --dport 8080 -j DROP
                """,
            User: """
                -A DOCKER-USER ! -s 203.0.113.0/24 -d 192.0.2.2/32 -p tcp -m tcp --dport 80 -j DROP
                """).ToString()));

    [Fact]
    public void A_published_port_the_filter_drops_is_dead() =>
        Assert.Equal(["DFW511"], Codes(Check, new DockerHost(User: """
            # must raise DFW511: DOCKER-USER drops the DNATed packet
            -A DOCKER-USER -d 192.0.2.2/32 -p tcp -m tcp --dport 80 -j DROP
            """).ToString()));

    private static readonly DockerHost LoopbackPort = new(Dnat: """
        -A DOCKER -d 127.0.0.1/32 ! -i bridge1 -p tcp -m tcp --dport 9090 -j DNAT --to-destination 192.0.2.2:90
        """, Docker: "-A DOCKER -d 192.0.2.2/32 ! -i bridge1 -o bridge1 -p tcp -m tcp --dport 90 -j ACCEPT");

    [Fact]
    public void A_loopback_port_without_a_raw_drop_is_reachable_from_the_lan() =>
        Assert.Equal(["DFW512", "DFW514"], Codes(Check, LoopbackPort.ToString()));

    [Fact]
    public void A_loopback_port_the_filter_opens_to_some_clients_only_names_them()
    {
        // The "ufw and Docker" recipe's shape: private sources return early, the rest is dropped.
        var host = LoopbackPort with { User = """
            -A DOCKER-USER -s 10.0.0.0/8 -j RETURN
            -A DOCKER-USER -d 192.0.2.2/32 -j DROP
            """ };
        var finding = Check.Run(Context(host.ToString())).Single(f => f.Code.Code == "DFW514");

        Assert.Contains("reaches it (from 10.0.0.0/8)", finding.Message);
    }

    [Fact]
    public void A_loopback_port_behind_docker_28_s_raw_drop_is_not() =>
        Assert.Equal(["DFW512"], Codes(Check, (LoopbackPort with { Raw = """
            # Docker 28+: loopback-bound ports are dropped when they arrive on any other interface
            -A PREROUTING -d 127.0.0.1/32 ! -i lo -p tcp -m tcp --dport 9090 -j DROP
            """ }).ToString()));

    [Fact]
    public void A_DNAT_to_an_address_no_container_has_is_reported_from_engine_data() =>
        Assert.Equal(["DFW510", "DFW512"], Codes(Check, new DockerHost(Dnat: """
            # must raise DFW510: nothing has 192.0.2.9 any more
            -A DOCKER ! -i bridge1 -p tcp -m tcp --dport 8443 -j DNAT --to-destination 192.0.2.9:443
            """).ToString(), view: EngineView.TwoBridges()));

    [Fact]
    public void A_DNAT_on_the_uplink_alone_to_an_address_no_container_has_is_reported() =>
        // Oracle F41's rest: the nat walk asked in on the model's dfw-uplink0 alone, which -i eth0 never meets.
        Assert.Equal(["DFW510", "DFW512"], Codes(Check, new DockerHost(Dnat: """
            # must raise DFW510: nothing has 192.0.2.9 any more, and connections in on eth0 are sent to it
            -A DOCKER -i eth0 -p tcp -m tcp --dport 8443 -j DNAT --to-destination 192.0.2.9:443
            """).ToString(), view: EngineView.TwoBridges()));
}
