using DockerFw.Core.Remediation;

namespace DockerFw.Tests.Remediation;

/// <summary>
/// Hosts whose rules no longer do what Docker declared (from the oracle's lab): the plan closes what
/// the rules let through and the policy blocks, with a drop between the two bridges after the policy's
/// accepts, and proves the result; it never opens what the policy does not name.
/// </summary>
public sealed class PlanRepairTests
{

    public static TheoryData<string, string> Hosts() => new()
    {
        // isolation undone by a moved RETURN: every bridge pair is open, both ways
        { "isolation-return-moved", "-A DOCKERFW-POLICY -i docker0 -o br-47cff6f6e104 -j DROP" },
        // an admin's accept from n2 to n0 in DOCKER-USER
        { "admin-accepts-between-bridges", "-A DOCKERFW-POLICY -i br-e15e33d4d83b -o br-c68dfb7d390b -j DROP" },
    };

    [Theory]
    [MemberData(nameof(Hosts))]
    public void The_plan_drops_what_the_rules_let_through_between_bridges_and_is_proven(string fixture, string drop)
    {
        var (host, _, policy) = PolicyFixture.Read(fixture);

        var plan = PolicyPlanner.Plan(host, policy);

        Assert.True(plan.Value is not null, string.Join("\n", plan.Diagnostics.Select(d => d.Message)));
        Assert.Contains(drop, plan.Value!.Rules);
        Assert.Contains(drop, plan.Value.RestoreInput.Split('\n'));
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public void The_repairs_come_after_every_accept_of_the_plan(string fixture, string _)
    {
        var (host, _, policy) = PolicyFixture.Read(fixture);

        var rules = PolicyPlanner.Plan(host, policy).Value!.Rules;
        var lastAccept = rules.ToList().FindLastIndex(r => r.EndsWith("-j ACCEPT", StringComparison.Ordinal));
        var firstBridgeDrop = rules.ToList().FindIndex(r => r.Contains(" -o ", StringComparison.Ordinal) && r.EndsWith("-j DROP", StringComparison.Ordinal) && !r.Contains(" -d ", StringComparison.Ordinal));

        Assert.True(firstBridgeDrop > lastAccept, string.Join("\n", rules));
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public void The_audit_finds_the_planned_host_as_the_policy_says_and_the_host_before_not(string fixture, string _)
    {
        var host = PolicyFixture.Read(fixture);
        var after = PolicyPlanner.Plan(host.Host, host.Policy).Value!.After;

        Assert.DoesNotContain(host.Findings(after), f => f.Code.Code is "DFW902" or "DFW903");
        Assert.Contains(host.Findings(host.Host), f => f.Code.Code == "DFW902");
    }

    [Fact]
    public void A_host_whose_rules_do_what_docker_declared_gets_only_the_rules_of_the_policy()
    {
        var (host, _, policy) = PolicyFixture.Read("multi-homed-publish");

        var plan = PolicyPlanner.Plan(host, policy).Value!;

        Assert.Equal(string.Join("\n", PolicyRules.For(policy).Lines), string.Join("\n", plan.Rules));
    }
}
