using DockerFw.Core.Audit;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// A published port whose DNAT is missing from the nat table, or stale (to another address or port),
/// is judged by the connections the DNAT would make: they arrived on the host port, so conntrack's
/// original tuple is the host's address and port, never the container's they are rewritten to. The
/// Docker Engine's view says where the port goes.
/// </summary>
public sealed class PublishedPortWithoutDnatTests
{
    private const string Dnat = "-A DOCKER ! -i bridge1 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 192.0.2.2:80\n";

    [Theory]
    [InlineData("")]
    [InlineData("-A DOCKER ! -i bridge1 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 192.0.2.3:80")]
    [InlineData("-A DOCKER ! -i bridge1 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 192.0.2.2:81")]
    public void A_drop_on_the_original_host_port_keeps_out_the_connections_the_dnat_would_make(string stale)
    {
        // Was "the filter lets it in": the made packets' original port read as the container's 80.
        var port = Port("-A DOCKER-USER -p tcp -m conntrack --ctstate NEW --ctorigdstport 8080 -j DROP", stale);

        Assert.Equal(false, port.FilterAccepts);
    }

    [Fact]
    public void A_drop_on_the_container_port_as_the_original_one_does_not_touch_them()
    {
        // Was "the filter keeps it out": no client opens its connection to port 80 of the host.
        var port = Port("-A DOCKER-USER -p tcp -m conntrack --ctstate NEW --ctorigdstport 80 -j DROP");

        Assert.Equal(true, port.FilterAccepts);
    }

    [Fact]
    public void A_drop_on_one_original_host_address_leaves_the_others_in()
    {
        // Was "the filter lets it in": the original destination read as the container's address.
        var port = Port("-A DOCKER-USER -p tcp -m conntrack --ctstate NEW --ctorigdst 203.0.113.5 -j DROP");

        Assert.Null(port.FilterAccepts);
        Assert.Equal(new PortClients(null, "any address of the host but 203.0.113.5"), port.Partial);
    }

    private static PublishedPortReport Port(string user, string stale = "")
    {
        var dump = new DockerHost(User: user, Dnat: stale).ToString();
        Assert.Contains(Dnat, dump, StringComparison.Ordinal);
        return Assert.Single(Report(dump.Replace(Dnat, "", StringComparison.Ordinal), view: EngineView.TwoBridges()).PublishedPorts);
    }
}
