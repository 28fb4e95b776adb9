using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Checks;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Remediation;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Tests.Policy;

namespace DockerFw.Tests.Audit;

/// <summary>
/// samples/lab-host's dual-stack frontend (web, api) against "icc off, api -> web on tcp/80", judged
/// in ip6tables as well when ip6tables has DOCKER-USER (Docker 27 on), as the plan is made there.
/// </summary>
public sealed class PolicyCheckIpv6Tests
{
    private const string Policy = "network frontend { icc off; allow api -> web tcp/80 }";

    private static readonly string Folder = Path.Combine(Corpus.RepoRoot, "samples", "lab-host");

    private static readonly Ruleset V4 = Read("iptables-save", IpFamily.V4);

    private static readonly Ruleset Captured = Read("ip6tables-save", IpFamily.V6);

    // What Docker 27 and later write into ip6tables besides: DOCKER-USER, first in FORWARD.
    private static readonly Ruleset Docker27 = IptablesSaveReader.Read(File.ReadAllText(Path.Combine(Folder, "ip6tables-save"))
        .Replace(":DOCKER-ISOLATION-STAGE-2 - [0:0]\n", ":DOCKER-ISOLATION-STAGE-2 - [0:0]\n:DOCKER-USER - [0:0]\n", StringComparison.Ordinal)
        .Replace("-A FORWARD -j DOCKER-ISOLATION-STAGE-1\n", "-A FORWARD -j DOCKER-USER\n-A FORWARD -j DOCKER-ISOLATION-STAGE-1\n", StringComparison.Ordinal)
        .Replace("-A DOCKER-ISOLATION-STAGE-2 -j RETURN\n", "-A DOCKER-ISOLATION-STAGE-2 -j RETURN\n-A DOCKER-USER -j RETURN\n", StringComparison.Ordinal),
        "ip6tables-save", IpFamily.V6).Value!;

    [Fact]
    public void A_host_that_never_applied_the_policy_is_told_so_for_each_family_with_the_ipv6_findings_saying_ipv6()
    {
        var findings = Findings(V4, Docker27);

        var ipv6 = findings.Where(f => f.Message.StartsWith("over IPv6 (ip6tables), ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["DFW901", "DFW902", "DFW902"], ipv6.Select(f => f.Code.Code));
        Assert.StartsWith("over IPv6 (ip6tables), the policy p.policy is not in force: dockerfw's chain DOCKERFW-POLICY does not exist", ipv6[0].Message, StringComparison.Ordinal);
        Assert.StartsWith("over IPv6 (ip6tables), 'api' on 'frontend' -> 'web' on 'frontend' tcp/0-79,81-65535 and every other protocol: new connections get through", ipv6[1].Message, StringComparison.Ordinal);
        Assert.StartsWith("over IPv6 (ip6tables), 'web' on 'frontend' -> 'api' on 'frontend' every protocol: new connections get through", ipv6[2].Message, StringComparison.Ordinal);
        Assert.Contains(findings, f => f.Code.Code == "DFW901" && !f.Message.StartsWith("over IPv6", StringComparison.Ordinal));
    }

    [Fact]
    public void Both_halves_of_the_plan_applied_satisfy_the_policy_in_both_families()
    {
        var plan = PolicyPlanner.Plan(V4, Docker27, Resolve(Policy)).Value!;

        Assert.Empty(Findings(Reread(plan.After), Reread(plan.Ipv6!.After)));
    }

    [Fact]
    public void Only_the_ipv4_half_applied_leaves_ipv6_open_and_the_audit_says_so_for_ipv6_alone()
    {
        var plan = PolicyPlanner.Plan(V4, Docker27, Resolve(Policy)).Value!;

        var findings = Findings(Reread(plan.After), Docker27);

        Assert.NotEmpty(findings);
        Assert.All(findings, f => Assert.StartsWith("over IPv6 (ip6tables), ", f.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Without_docker_user_in_ip6tables_ipv6_is_not_judged_as_no_plan_could_reach_it()
    {
        var plan = PolicyPlanner.Plan(V4, Captured, Resolve(Policy)).Value!;

        Assert.Empty(Findings(Reread(plan.After), Captured));
    }

    private static List<Finding> Findings(Ruleset v4, Ruleset v6) =>
        [.. Auditor.Run(new AuditContext(v4, v6, PolicyResolverTests.LabHost, HostSettings.Unknown) { Policy = Resolve(Policy) }, [new PolicyCheck()]).Findings];

    private static ResolvedPolicy Resolve(string text) =>
        PolicyResolver.Resolve(PolicyReader.Read(text, "p.policy").Value!, PolicyResolverTests.LabHost).Value!;

    /// <summary>A planned state as iptables-save prints it, so evidence points at its lines.</summary>
    private static Ruleset Reread(Ruleset ruleset) =>
        IptablesSaveReader.Read(IptablesSaveWriter.Write(ruleset, includeCounters: false), ruleset.Family == IpFamily.V4 ? "iptables-save" : "ip6tables-save", ruleset.Family).Value!;

    private static Ruleset Read(string file, IpFamily family) =>
        IptablesSaveReader.Read(File.ReadAllText(Path.Combine(Folder, file)), file, family).Value!;
}
