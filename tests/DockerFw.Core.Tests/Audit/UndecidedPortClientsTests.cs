using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// A published port whose clients on one interface only may be dropped (a <c>recent</c> list no dump
/// holds, psad's or an admin's port-scan list) is not known to keep them out (oracle F58): the port is
/// unknown, not "partial, reached by any interface but eth0", which the probes on eth0 refuted.
/// </summary>
public sealed class UndecidedPortClientsTests
{
    [Fact]
    public void Clients_a_recent_list_may_drop_make_the_port_unknown_not_partial()
    {
        var report = Report(new DockerHost(User: "-A DOCKER-USER -i eth0 -m recent --rcheck --seconds 86400 --name scanners --rsource -j DROP").ToString(),
            view: EngineView.TwoBridges());
        var port = report.PublishedPorts.Single();

        Assert.Null(port.FilterAccepts);
        Assert.Null(port.Partial);
    }

    [Fact]
    public void A_drop_that_surely_keeps_clients_on_one_interface_out_is_still_partial()
    {
        var report = Report(new DockerHost(User: "-A DOCKER-USER -i eth0 -j DROP").ToString(), view: EngineView.TwoBridges());

        Assert.NotNull(report.PublishedPorts.Single().Partial);
    }
}
