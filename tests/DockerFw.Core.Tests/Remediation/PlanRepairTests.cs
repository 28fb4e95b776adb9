using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Checks;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Remediation;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Tests.Audit;

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
        var (host, _, policy) = Read(fixture);

        var plan = PolicyPlanner.Plan(host, policy);

        Assert.True(plan.Value is not null, string.Join("\n", plan.Diagnostics.Select(d => d.Message)));
        Assert.Contains(drop, plan.Value!.Rules);
        Assert.Contains(drop, plan.Value.RestoreInput.Split('\n'));
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public void The_repairs_come_after_every_accept_of_the_plan(string fixture, string _)
    {
        var (host, _, policy) = Read(fixture);

        var rules = PolicyPlanner.Plan(host, policy).Value!.Rules;
        var lastAccept = rules.ToList().FindLastIndex(r => r.EndsWith("-j ACCEPT", StringComparison.Ordinal));
        var firstBridgeDrop = rules.ToList().FindIndex(r => r.Contains(" -o ", StringComparison.Ordinal) && r.EndsWith("-j DROP", StringComparison.Ordinal) && !r.Contains(" -d ", StringComparison.Ordinal));

        Assert.True(firstBridgeDrop > lastAccept, string.Join("\n", rules));
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public void The_audit_finds_the_planned_host_as_the_policy_says_and_the_host_before_not(string fixture, string _)
    {
        var (host, view, policy) = Read(fixture);
        var after = PolicyPlanner.Plan(host, policy).Value!.After;

        Assert.DoesNotContain(Findings(after, view, policy), f => f.Code.Code is "DFW902" or "DFW903");
        Assert.Contains(Findings(host, view, policy), f => f.Code.Code == "DFW902");
    }

    [Fact]
    public void A_host_whose_rules_do_what_docker_declared_gets_only_the_rules_of_the_policy()
    {
        var (host, _, policy) = Read("multi-homed-publish");

        var plan = PolicyPlanner.Plan(host, policy).Value!;

        Assert.Equal(string.Join("\n", PolicyRules.For(policy).Lines), string.Join("\n", plan.Rules));
    }

    private static List<Finding> Findings(Ruleset rules, DockerView view, ResolvedPolicy policy) =>
        [.. Auditor.Run(new AuditContext(rules, Ruleset.Empty(IpFamily.V6), view, HostSettings.Unknown) { Policy = policy }, [new PolicyCheck()]).Findings];

    private static string Folder(string fixture) => Path.Combine(Corpus.RepoRoot, "tests", "DockerFw.Core.Tests", "Remediation", "Fixtures", fixture);

    private static (Ruleset Host, DockerView View, ResolvedPolicy Policy) Read(string fixture)
    {
        var folder = Folder(fixture);
        var view = ReadView(folder);
        var host = AuditFixture.Read(File.ReadAllText(Path.Combine(folder, "iptables-save")), "iptables-save");
        var policy = PolicyResolver.Resolve(PolicyReader.Read(File.ReadAllText(Path.Combine(folder, "oracle.policy")), "oracle.policy").Value!, view).Value!;
        return (host, view, policy);
    }

    private static DockerView ReadView(string folder)
    {
        var networks = DockerInspectReader.Read(File.ReadAllText(Path.Combine(folder, "docker-networks.json")), "docker-networks.json").Value!;
        var containers = DockerInspectReader.Read(File.ReadAllText(Path.Combine(folder, "docker-containers.json")), "docker-containers.json").Value!;
        return networks.Merge(containers);
    }
}
