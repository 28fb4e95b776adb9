using DockerFw.Core.Audit;
using DockerFw.Core.Remediation;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Tests.Audit;

namespace DockerFw.Tests.Remediation;

/// <summary>
/// A published port of a container on two networks (Fixtures/multi-homed-publish, from the oracle's
/// lab): Docker's DNAT goes to one of its addresses, so a <c>publish ... from</c> restriction holds
/// when connections from the allowed sources reach that one, and the other endpoint is not asked to be
/// reached too.
/// </summary>
public sealed class MultiHomedPublishTests
{
    private static readonly PolicyFixture Fixture = PolicyFixture.Read("multi-homed-publish");

    [Fact]
    public void The_plan_is_proven_though_only_the_gateway_endpoint_is_published_to()
    {
        var plan = PolicyPlanner.Plan(Fixture.Host, Fixture.Policy);

        Assert.True(plan.Value is not null, string.Join("\n", plan.Diagnostics.Select(d => d.Message)));
        Assert.Contains(IptablesSaveWriter.Write(plan.Value!.After, includeCounters: false).Split('\n'),
            l => l.StartsWith("-A DOCKERFW-POLICY -s 198.51.100.1/32 -d 172.30.13.2/32 ", StringComparison.Ordinal));
    }

    [Fact]
    public void The_planned_host_satisfies_the_policy()
    {
        Assert.DoesNotContain(Findings(Planned()), f => f.Code.Code is "DFW902" or "DFW903");
    }

    [Fact]
    public void A_drop_of_the_allowed_client_is_found_once_on_the_endpoint_docker_publishes_to()
    {
        var blocked = Planned().Replace("-A DOCKER-USER -j DOCKERFW-POLICY",
            "-A DOCKER-USER -s 198.51.100.1/32 -j DROP\n-A DOCKER-USER -j DOCKERFW-POLICY", StringComparison.Ordinal);

        var finding = Assert.Single(Findings(blocked), f => f.Code.Code == "DFW903");

        Assert.Contains("from 198.51.100.1: new connections do not reach 'c2' (7955/tcp on 'n3')", finding.Message, StringComparison.Ordinal);
        Assert.Single(PublishProof.Check(AuditFixture.Read(blocked, "iptables-save"), Fixture.Policy));
    }

    [Fact]
    public void Connections_from_other_clients_are_still_found_on_the_host_as_docker_left_it()
    {
        var open = Assert.Single(Findings(IptablesSaveWriter.Write(Fixture.Host, includeCounters: false)), f => f.Code.Code == "DFW902");

        Assert.Contains("new connections reach 'c2' (7955/tcp on 'n3')", open.Message, StringComparison.Ordinal);
    }

    private static string Planned() => IptablesSaveWriter.Write(PolicyPlanner.Plan(Fixture.Host, Fixture.Policy).Value!.After, includeCounters: false);

    private static List<Finding> Findings(string rules) => Fixture.Findings(AuditFixture.Read(rules, "iptables-save"));
}
