using DockerFw.Core.Audit;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// A published port whose connections a rule takes before Docker's DNAT (oracle F59: an admin's
/// <c>-t nat -I PREROUTING ... -j RETURN</c>, a REDIRECT of the host port) is not NATed to its container:
/// the report says so (<c>nated</c>), DFW515 names the rule, and DFW511 (about NATed connections) is not
/// raised for the filter's answer over the packets a DNAT would make. The audit said filter_accepts true
/// and nothing else; the outside's probes died.
/// </summary>
public sealed class PublishedPortNotNatedTests
{
    private const string DockerJump = "-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER";

    private static PublishedPortReport Port(AuditReport report) => Assert.Single(report.PublishedPorts);

    /// <summary>Docker's host with the admin's rule inserted first in nat PREROUTING (-I), before Docker's jump.</summary>
    private static string First(string rule) => new DockerHost().ToString().Replace(DockerJump, $"{rule}\n{DockerJump}");

    [Fact]
    public void A_nat_return_of_the_host_port_before_docker_s_jump_leaves_no_connection_nated()
    {
        var report = Report(First("-A PREROUTING -p tcp -m tcp --dport 8080 -j RETURN"), view: EngineView.TwoBridges());

        Assert.Equal(ReachabilityVerdict.Denied, Port(report).Nated);
        var finding = Assert.Single(report.Findings, f => f.Code.Code == "DFW515");
        Assert.Equal(["-A PREROUTING -p tcp -m tcp --dport 8080 -j RETURN"], finding.Evidence.Select(e => e.Text));
        Assert.DoesNotContain(report.Findings, f => f.Code.Code == "DFW511");
    }

    [Fact]
    public void A_redirect_of_some_clients_leaves_the_port_partly_nated_naming_them()
    {
        var report = Report(First("-A PREROUTING -s 203.0.113.0/24 -p tcp -m tcp --dport 8080 -j REDIRECT --to-ports 9090"), view: EngineView.TwoBridges());

        Assert.Equal((ReachabilityVerdict.Partial, "from 203.0.113.0/24"), (Port(report).Nated, Port(report).NotNated));
        Assert.Contains("its connections from 203.0.113.0/24 are not NATed", Assert.Single(report.Findings, f => f.Code.Code == "DFW515").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Docker_s_port_is_nated_and_raises_no_dfw515()
    {
        var report = Report(new DockerHost().ToString(), view: EngineView.TwoBridges());

        Assert.Equal(ReachabilityVerdict.Allowed, Port(report).Nated);
        Assert.DoesNotContain(report.Findings, f => f.Code.Code == "DFW515");
    }
}
