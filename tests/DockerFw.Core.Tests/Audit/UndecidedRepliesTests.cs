using DockerFw.Core.Audit;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// A reply the engine cannot decide is not a dropped one (oracle F56). Docker's documented filter of a
/// published port by the client's port (<c>--ctorigdstport 29369 --ctdir ORIGINAL -j DROP</c>) is decided
/// for the connections' opening packets, but not for their replies, whose direction an ESTABLISHED
/// packet does not show the engine: the kernel lets them through (they are the REPLY direction), and the
/// audit once called every TCP connection between containers one-way.
/// </summary>
public sealed class UndecidedRepliesTests
{
    private const string ByClientsPort = "-A DOCKER-USER -p tcp -m conntrack --ctorigdstport 29369 --ctdir ORIGINAL -j DROP";

    [Fact]
    public void Replies_a_rule_on_the_connections_direction_may_drop_leave_icc_possible_not_one_way()
    {
        var report = Report(new DockerHost(User: ByClientsPort).ToString(), view: EngineView.TwoBridges());
        var icc = report.Networks.Single(n => n.Name == "bridge2").Icc;

        Assert.DoesNotContain(icc.PartialFlows ?? [], f => f.Kind == "one-way" && !f.Possible);
        Assert.DoesNotContain(report.Findings, f => f.Code.Code == "DFW302" && f.Networks.Contains("bridge2"));
    }

    [Fact]
    public void The_same_rule_still_closes_the_port_it_names()
    {
        var report = Report(new DockerHost(User: ByClientsPort).ToString(), view: EngineView.TwoBridges());
        var icc = report.Networks.Single(n => n.Name == "bridge2").Icc;

        Assert.Contains(icc.PartialFlows ?? [], f => f.Protocol == "tcp" && f.Ports == "0-29368,29370-65535");
    }
}
