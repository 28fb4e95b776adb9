using DockerFw.Core.Audit;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// A published port is judged by the packet that opens a connection, a SYN (oracle finding F27): the
/// ufw-docker recipe refuses new connections by <c>--tcp-flags FIN,SYN,RST,ACK SYN</c>, and a NEW packet
/// that is no SYN (conntrack's mid-stream pick-up) passing on opens nothing, so the port is closed to
/// the clients it refuses, not uncertain.
/// </summary>
public sealed class PublishedPortTcpFlagsTests
{
    [Fact]
    public void A_drop_of_every_syn_to_the_container_closes_the_published_port()
    {
        var report = Report(new DockerHost(User: """
            -A DOCKER-USER -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -d 192.0.2.0/24 -j DROP
            """).ToString());

        var port = Assert.Single(report.PublishedPorts);
        Assert.False(port.FilterAccepts);
        Assert.Null(port.Partial);
    }

    [Fact]
    public void The_recipe_lets_private_clients_in_and_keeps_public_ones_out()
    {
        // ufw-docker's after.rules, as ufw writes them in ufw-user-forward's place (DOCKER-USER here).
        var report = Report(new DockerHost(User: """
            -A DOCKER-USER -s 10.0.0.0/8 -j RETURN
            -A DOCKER-USER -s 172.16.0.0/12 -j RETURN
            -A DOCKER-USER -s 100.64.0.0/10 -j RETURN
            -A DOCKER-USER -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -d 192.0.2.0/24 -j DROP
            """).ToString());

        var port = Assert.Single(report.PublishedPorts);
        Assert.Null(port.FilterAccepts);
        Assert.Equal(new PortClients("10.0.0.0/8,100.64.0.0/10,172.16.0.0/12", null), port.Partial);
    }
}
