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

    [Fact]
    public void Clients_surely_kept_out_on_one_interface_and_only_maybe_on_another_are_worded_apart()
    {
        // eth0's clients are dropped; eth1's only may be (the list is not in the dump): the port is
        // partial by eth0 alone, and eth1's connections are said to be uncertain, not kept out.
        var report = Report(new DockerHost(User: "-A DOCKER-USER -i eth0 -j DROP\n"
            + "-A DOCKER-USER -i eth1 -m recent --rcheck --seconds 86400 --name scanners --rsource -j DROP").ToString(), view: EngineView.TwoBridges());
        var partial = report.PublishedPorts.Single().Partial!;

        Assert.Equal(("any interface but eth0", "via eth1"), (partial.Interfaces, partial.Uncertain));
        Assert.Equal("via any interface but eth0; only maybe via eth1", DockerFw.Core.Audit.Checks.PublishedPortCheck.Clients(partial));
    }
}
