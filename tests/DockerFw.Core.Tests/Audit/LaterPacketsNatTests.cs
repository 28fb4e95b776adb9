using DockerFw.Core.Audit;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// Oracle F38 for the NATed ways: a published port's connections and a masqueraded network's
/// connections out need their later packets (ESTABLISHED, the request's way: the handshake's ACK,
/// the data) as much as their replies. <c>later_dropped</c> says <c>all</c> or which connections;
/// DFW511 and DFW406 name the rule that drops them.
/// </summary>
public sealed class LaterPacketsNatTests
{
    private static Setting Bridge1(AuditReport report) => report.Networks.Single(n => n.Name == "bridge1").Masquerade;

    [Fact]
    public void A_new_only_accept_of_a_published_port_then_a_drop_lets_no_data_in()
    {
        // The SYN (NEW, DNATed to 192.0.2.2:80) is accepted, the SYN,ACK from 192.0.2.2 passes, the ACK
        // and the data to 192.0.2.2 (ESTABLISHED) die.
        var report = Report(new DockerHost(User: """
            -A DOCKER-USER -d 192.0.2.2/32 -p tcp -m tcp --dport 80 -m conntrack --ctstate NEW -j ACCEPT
            -A DOCKER-USER -d 192.0.2.2/32 -j DROP
            """).ToString());

        var port = Assert.Single(report.PublishedPorts);
        Assert.Equal((true, null, "all"), (port.FilterAccepts, port.RepliesDropped, port.LaterDropped));
        var dead = Assert.Single(report.Findings, f => f.Code == FindingCodes.PublishedPortBlocked);
        Assert.Contains("drops the requests' later packets (ESTABLISHED: the handshake's ACK, the data): no connection carries data", dead.Message, StringComparison.Ordinal);
        Assert.Contains(dead.Evidence, e => e.Text.Contains("-d 192.0.2.2/32 -j DROP", StringComparison.Ordinal) && e.Role == "drops the requests' later packets");
    }

    [Fact]
    public void An_established_drop_from_some_clients_names_those_connections()
    {
        var report = Report(new DockerHost(User: "-A DOCKER-USER -s 203.0.113.0/24 -d 192.0.2.2/32 -m conntrack --ctstate ESTABLISHED -j DROP").ToString());

        var port = Assert.Single(report.PublishedPorts);
        Assert.Equal((true, null), (port.FilterAccepts, port.RepliesDropped));
        Assert.Contains("203.0.113.0/24", port.LaterDropped, StringComparison.Ordinal);
        Assert.Contains(report.Findings, f => f.Code == FindingCodes.PublishedPortBlocked && f.Message.Contains("those carry no data", StringComparison.Ordinal));
    }

    [Fact]
    public void Docker_28s_raw_drop_of_the_container_address_never_meets_a_ports_later_packets()
    {
        // The later packets arrive addressed to the host, as the opening did; raw PREROUTING sees that address.
        var report = Report(new DockerHost(Raw: "-A PREROUTING -d 192.0.2.2/32 ! -i bridge1 -j DROP").ToString());

        Assert.Null(Assert.Single(report.PublishedPorts).LaterDropped);
    }

    [Fact]
    public void An_established_drop_out_of_a_masqueraded_bridge_leaves_its_connections_out_without_data()
    {
        // The replies come in by the uplink and pass; the ACK and the data out of bridge1 die.
        var report = Report(new DockerHost(User: "-A DOCKER-USER -i bridge1 ! -o bridge1 -m conntrack --ctstate ESTABLISHED -j DROP").ToString(),
            view: EngineView.TwoBridges());

        Assert.Equal((true, null, "all"), (Bridge1(report).Effective, Bridge1(report).RepliesDropped, Bridge1(report).LaterDropped));
        var finding = Assert.Single(report.Findings, f => f.Code == FindingCodes.MasqueradedRepliesDropped);
        Assert.StartsWith("bridge1's outbound traffic is NATed and the replies come back, but the filter drops the later packets of every connection out", finding.Message, StringComparison.Ordinal);
        Assert.Contains(finding.Evidence, e => e.Role == "drops the requests' later packets");
    }

    [Fact]
    public void An_established_drop_to_some_remote_hosts_names_those_connections_out()
    {
        var report = Report(new DockerHost(User: "-A DOCKER-USER -s 192.0.2.0/24 -d 203.0.113.0/24 -m conntrack --ctstate ESTABLISHED -j DROP").ToString(),
            view: EngineView.TwoBridges());

        Assert.Contains("to 203.0.113.0/24", Bridge1(report).LaterDropped, StringComparison.Ordinal);
        Assert.Null(Bridge1(report).RepliesDropped);
    }

    [Fact]
    public void Docker_own_rules_drop_no_later_packet()
    {
        var report = Report(new DockerHost().ToString(), view: EngineView.TwoBridges());

        Assert.Null(Bridge1(report).LaterDropped);
        Assert.All(report.PublishedPorts, p => Assert.Null(p.LaterDropped));
    }
}
