using DockerFw.Core.Audit;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// net.ipv4.ip_forward=0 is applied once, by the host model, to every forwarded fact: nothing is routed
/// between interfaces (bridges still switch their own traffic), so published ports, outbound traffic,
/// masquerade, the matrix and access from outside all say so, and only DFW604 speaks of it.
/// </summary>
public sealed class IpForwardOffTests
{
    // bridge1 opened to bridge2, and an unpublished port of c1's network to the outside.
    private static readonly string Open = new DockerHost(
        Forward: "-A FORWARD -i bridge1 -o bridge2 -j ACCEPT",
        Docker: "-A DOCKER -d 192.0.2.3/32 ! -i bridge1 -o bridge1 -p tcp -m tcp --dport 22 -j ACCEPT").ToString();

    private static AuditReport Audit(string forward) => Report(Open, Sysctl($"net.ipv4.ip_forward={forward}", "net.bridge.bridge-nf-call-iptables=1"));

    [Theory]
    [InlineData("1", true)]
    [InlineData("0", false)]
    public void Published_ports_reach_their_container_only_when_the_host_forwards(string forward, bool reached)
    {
        var report = Audit(forward);

        Assert.Equal(reached, Assert.Single(report.PublishedPorts).FilterAccepts);
        Assert.Equal(reached, report.Findings.Any(f => f.Code == FindingCodes.PublishedOnAllAddresses));
        Assert.DoesNotContain(report.Findings, f => f.Code == FindingCodes.PublishedPortBlocked);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("0", false)]
    public void Networks_and_the_outside_reach_each_other_only_when_the_host_forwards(string forward, bool routed)
    {
        var report = Audit(forward);

        Assert.Equal(routed, report.Reachability.Any(e => e.Verdict != ReachabilityVerdict.Denied));
        Assert.Equal(routed, report.Findings.Any(f => f.Code == FindingCodes.UnpublishedPortsReachable));
        Assert.Equal(routed, report.Findings.Any(f => f.Code.Check == "isolation"));
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("0", false)]
    public void Outbound_traffic_is_masqueraded_only_when_it_leaves(string forward, bool masqueraded)
    {
        var report = Audit(forward);

        Assert.All(report.Networks, n => Assert.Equal(masqueraded, n.Masquerade.Effective));
        Assert.DoesNotContain(report.Findings, f => f.Code.Check == "masquerade");
        Assert.Equal(!masqueraded, report.Findings.Any(f => f.Code == FindingCodes.IpForwardOff));
    }

    [Fact]
    public void Bridges_still_switch_their_own_traffic() =>
        Assert.All(Audit("0").Networks, n => Assert.Equal(true, n.Icc.Effective));
}
