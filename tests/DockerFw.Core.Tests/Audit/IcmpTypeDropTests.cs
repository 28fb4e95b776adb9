using DockerFw.Core.Audit;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// The hardening guides' drop of ICMP timestamp requests (type 13) or replies (14) touches those
/// exchanges only: ping's connections out keep their replies and later packets, and icc made partial by
/// it is no reason to read another rule's port as a link. A connection's dropped replies and later
/// packets are mapped back to the connections by their ICMP types too (a later packet has its
/// opening's type, a reply answers the query of its type).
/// </summary>
public sealed class IcmpTypeDropTests
{
    [Fact]
    public void A_drop_of_timestamp_requests_leaves_every_connection_out_its_replies_and_later_packets()
    {
        var report = Report(new DockerHost(User: "-A DOCKER-USER -p icmp -m icmp --icmp-type 13 -j DROP").ToString(), view: EngineView.TwoBridges());

        Assert.All(report.Networks, n => Assert.Equal((null, null), (n.Masquerade.RepliesDropped, n.Masquerade.LaterDropped)));
        Assert.DoesNotContain(report.Findings, f => f.Code == FindingCodes.MasqueradedRepliesDropped);
    }

    [Fact]
    public void A_drop_of_timestamp_replies_makes_only_the_timestamp_exchanges_one_way()
    {
        var report = Report(new DockerHost(User: "-A DOCKER-USER -p icmp -m icmp --icmp-type 14 -j DROP").ToString(), view: EngineView.TwoBridges());

        Assert.All(report.Networks, n => Assert.Equal("icmp type 13", n.Masquerade.RepliesDropped));
    }

    [Fact]
    public void Icc_partial_for_an_icmp_drop_reads_no_published_ports_accept_as_an_undeclared_link()
    {
        var report = Report(new DockerHost(User: "-A DOCKER-USER -p icmp -m icmp --icmp-type 13 -j DROP").ToString(), view: EngineView.TwoBridges());

        Assert.DoesNotContain(report.Findings, f => f.Code == FindingCodes.UndeclaredLink);
        Assert.Empty(report.Links);
    }
}
