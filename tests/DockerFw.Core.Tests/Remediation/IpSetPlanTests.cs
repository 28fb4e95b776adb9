using DockerFw.Core.Remediation;

namespace DockerFw.Tests.Remediation;

/// <summary>
/// The plan's proof asks the host's ipsets as the audit does: on oracle seed 4242, a DOCKER-USER drop by
/// the set dfw-nets left every pair through it uncertain, and the plan was refused for it (DFW831);
/// with the members read, the proof decides those pairs. (The plan is still refused, rightly: ufw's
/// Docker recipe keeps the policy's published port out, which the plan does not change.)
/// </summary>
public sealed class IpSetPlanTests
{
    private const string Unknown = "the members of ipset dfw-nets are not known";

    [Fact]
    public void Without_the_members_the_proof_cannot_decide_the_pairs_the_set_drops()
    {
        var (host, _, policy) = PolicyFixture.Read("seed-4242-ipset-drop", withIpSets: false);

        var plan = PolicyPlanner.Plan(host, policy);

        Assert.Contains(plan.Diagnostics, d => d.Code == "DFW831" && d.Message.Contains(Unknown, StringComparison.Ordinal));
    }

    [Fact]
    public void With_the_members_the_proof_decides_them_and_refuses_only_what_the_rules_decide()
    {
        var (host, _, policy) = PolicyFixture.Read("seed-4242-ipset-drop");

        var plan = PolicyPlanner.Plan(host, policy);

        Assert.DoesNotContain(plan.Diagnostics, d => d.Message.Contains("ipset", StringComparison.Ordinal));
        Assert.Contains(plan.Diagnostics, d => d.Code == "DFW831" && d.Message.Contains("tcp/24164", StringComparison.Ordinal)
            && d.Message.Contains("ufw-docker-logging-deny", StringComparison.Ordinal));
    }
}
