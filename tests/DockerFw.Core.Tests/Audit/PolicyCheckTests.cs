using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Checks;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Remediation;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Tests.Policy;

namespace DockerFw.Tests.Audit;

/// <summary>
/// samples/lab-host against "backend: icc off, api -> db on tcp/5432 only". Docker already runs
/// backend with icc off, so before any apply the one allowed pair is the one difference.
/// </summary>
public sealed class PolicyCheckTests
{
    private const string Policy = "network backend { icc off; allow api -> db tcp/5432 }";

    private static readonly string LabHostRules = File.ReadAllText(Path.Combine(Corpus.RepoRoot, "samples", "lab-host", "iptables-save"));

    [Fact]
    public void Without_a_policy_the_check_says_nothing()
    {
        Assert.Empty(new PolicyCheck().Run(Context(LabHostRules, policy: null)));
    }

    [Fact]
    public void A_host_running_the_plan_satisfies_the_policy_and_gets_no_policy_finding()
    {
        Assert.Empty(Findings(Applied(Policy)));
    }

    [Fact]
    public void A_policy_Docker_already_satisfies_gets_no_finding_though_dockerfw_never_hooked_its_chain()
    {
        Assert.Empty(Findings(LabHostRules, "network frontend { icc on }\nnetwork backend { icc off }"));
    }

    [Fact]
    public void A_host_that_never_applied_the_policy_is_told_it_is_not_in_force_and_which_connection_it_lacks()
    {
        var findings = Findings(LabHostRules);

        Assert.Equal(["DFW901", "DFW903"], findings.Select(f => f.Code.Code));
        Assert.StartsWith("the policy p.policy is not in force: dockerfw's chain DOCKERFW-POLICY does not exist (never applied, or flushed away)", findings[0].Message, StringComparison.Ordinal);
        var blocked = findings[1];
        Assert.Equal(
            "'api' on 'backend' -> 'db' on 'backend' tcp/5432: new connections are blocked, but the policy p.policy allows them. Apply the policy again (dockerfw apply --policy p.policy): its rules name container addresses, which change when containers restart; or remove the rule that blocks them (see the evidence).",
            blocked.Message);
        Assert.Equal(["api", "db"], blocked.Containers.AsEnumerable());
        Assert.Equal(["backend"], blocked.Networks.AsEnumerable());
        var evidence = Assert.Single(blocked.Evidence);
        Assert.Equal(("filter", "drops"), (evidence.Table, evidence.Role));
        Assert.Contains("-j DROP", evidence.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_flushed_docker_user_leaves_the_chain_unhooked_and_the_audit_says_so()
    {
        var flushed = Applied(Policy).Replace("-A DOCKER-USER -j DOCKERFW-POLICY\n", "", StringComparison.Ordinal);

        var findings = Findings(flushed);

        Assert.Equal(["DFW901", "DFW903"], findings.Select(f => f.Code.Code));
        Assert.StartsWith("the policy p.policy is not in force: DOCKER-USER does not jump to DOCKERFW-POLICY (never applied, or DOCKER-USER was flushed)", findings[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_accept_ahead_of_docker_user_bypasses_the_chain_and_every_forbidden_connection_gets_through()
    {
        var bypassed = Applied(Policy).Replace("-A FORWARD -j DOCKER-USER", "-A FORWARD -j ACCEPT\n-A FORWARD -j DOCKER-USER", StringComparison.Ordinal);

        var findings = Findings(bypassed);

        Assert.Equal("DFW901", findings[0].Code.Code);
        Assert.Contains("no new connection between the policy's containers reaches the jump from DOCKER-USER to DOCKERFW-POLICY", findings[0].Message, StringComparison.Ordinal);
        Assert.Contains(findings[0].Evidence, e => e is { Chain: "FORWARD", Rule: 1, Role: "accepts before dockerfw's jump" });
        Assert.Contains(findings, f => f.Code.Code == "DFW902" && f.Message.StartsWith("'db' on 'backend' -> 'api' on 'backend' every protocol: new connections get through", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Code.Code == "DFW902" && f.Message.StartsWith("'api' on 'backend' -> 'db' on 'backend' tcp/0-5431,5433-65535 and every other protocol: new connections get through", StringComparison.Ordinal));
        Assert.DoesNotContain(findings, f => f.Code.Code == "DFW903");
    }

    [Fact]
    public void A_hole_on_a_port_the_policy_never_names_is_found_with_the_rule_that_opens_it()
    {
        var (api, db) = (Address("api"), Address("db"));
        var holed = Applied(Policy).Replace("-A DOCKER-USER -j DOCKERFW-POLICY",
            $"-A DOCKER-USER -s {db}/32 -d {api}/32 -p udp -m udp --dport 53 -j ACCEPT\n-A DOCKER-USER -j DOCKERFW-POLICY", StringComparison.Ordinal);

        var finding = Assert.Single(Findings(holed));

        Assert.Equal("DFW902", finding.Code.Code);
        Assert.StartsWith("'db' on 'backend' -> 'api' on 'backend' udp/53: new connections get through, but the policy p.policy blocks them.", finding.Message, StringComparison.Ordinal);
        var evidence = Assert.Single(finding.Evidence);
        Assert.Equal(("DOCKER-USER", 1, "accepts"), (evidence.Chain, evidence.Rule, evidence.Role));
    }

    [Fact]
    public void Replies_dropped_ahead_of_dockerfw_s_chain_make_the_allowed_connection_one_way()
    {
        var (api, db) = (Address("api"), Address("db"));
        var dropped = Applied(Policy).Replace("-A DOCKER-USER -j DOCKERFW-POLICY",
            $"-A DOCKER-USER -s {db}/32 -d {api}/32 -m conntrack --ctstate ESTABLISHED -j DROP\n-A DOCKER-USER -j DOCKERFW-POLICY", StringComparison.Ordinal);

        var finding = Assert.Single(Findings(dropped));

        Assert.Equal("DFW903", finding.Code.Code);
        Assert.StartsWith("'api' on 'backend' -> 'db' on 'backend' tcp/5432: new connections get their first packet through but not the replies", finding.Message, StringComparison.Ordinal);
        Assert.Equal(("DOCKER-USER", 1, "drops the reply"), (finding.Evidence[0].Chain, finding.Evidence[0].Rule, finding.Evidence[0].Role));
    }

    [Fact]
    public void With_bridge_netfilter_off_the_bridge_lets_everything_through_whatever_dockerfw_s_chain_says()
    {
        var findings = Findings(Applied(Policy), host: AuditFixture.Sysctl("net.bridge.bridge-nf-call-iptables=0"));

        Assert.Equal(["DFW902", "DFW902"], findings.Select(f => f.Code.Code));
        Assert.Equal(
            "'db' on 'backend' -> 'api' on 'backend' every protocol: new connections get through (bridge-nf-call-iptables is 0, so frames switched inside the bridge never reach iptables), but the policy p.policy blocks them. Set net.bridge.bridge-nf-call-iptables=1 (and load br_netfilter) so that iptables, and the policy, see them.",
            findings[1].Message);
        Assert.StartsWith("'api' on 'backend' -> 'db' on 'backend' tcp/0-5431,5433-65535 and every other protocol: new connections get through (bridge-nf", findings[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Containers_that_swapped_addresses_break_the_policy_pair_by_pair_though_the_chain_is_in_force()
    {
        var applied = Applied(Policy);
        var swapped = Swap(PolicyResolverTests.LabHost, "api", "db", "backend");

        var findings = Findings(applied, Policy, swapped);

        Assert.Equal(["DFW902", "DFW903"], findings.Select(f => f.Code.Code));
        Assert.StartsWith("'db' on 'backend' -> 'api' on 'backend' tcp/5432: new connections get through, but the policy p.policy blocks them.", findings[0].Message, StringComparison.Ordinal);
        Assert.Contains(findings[0].Evidence, e => e is { Chain: "DOCKERFW-POLICY", Role: "accepts" });
        Assert.StartsWith("'api' on 'backend' -> 'db' on 'backend' tcp/5432: new connections are blocked", findings[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Policy_findings_run_with_the_whole_audit_and_carry_the_check_name_policy()
    {
        var report = Auditor.Run(Context(LabHostRules, Resolve(Policy, PolicyResolverTests.LabHost)));

        Assert.Equal(["DFW901", "DFW903"], report.Findings.Where(f => f.Code.Check == "policy").Select(f => f.Code.Code).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_pair_dockerfw_allows_is_not_taken_for_a_legacy_link()
    {
        var report = Auditor.Run(Context(Applied(Policy), Resolve(Policy, PolicyResolverTests.LabHost)));

        Assert.DoesNotContain(report.Links, l => l.Network == "backend" && l.Port == 5432);
        Assert.DoesNotContain(report.Findings, f => f.Code.Check is "link" or "policy");
    }

    private static List<Finding> Findings(string rules, string policy = Policy, DockerView? view = null, HostSettings? host = null)
    {
        view ??= PolicyResolverTests.LabHost;
        return [.. Auditor.Run(Context(rules, Resolve(policy, view), view, host), [new PolicyCheck()]).Findings];
    }

    private static AuditContext Context(string rules, ResolvedPolicy? policy, DockerView? view = null, HostSettings? host = null) =>
        new(AuditFixture.Read(rules, "iptables-save"), Ruleset.Empty(IpFamily.V6), view ?? PolicyResolverTests.LabHost, host ?? HostSettings.Unknown) { Policy = policy };

    /// <summary>The lab host's rules after the plan, as iptables-save would print them.</summary>
    private static string Applied(string policy)
    {
        var plan = PolicyPlanner.Plan(AuditFixture.Read(LabHostRules), Resolve(policy, PolicyResolverTests.LabHost));
        Assert.True(plan.Value is not null, string.Join('\n', plan.Diagnostics.Select(d => d.Render())));
        return IptablesSaveWriter.Write(plan.Value.After, includeCounters: false);
    }

    private static ResolvedPolicy Resolve(string text, DockerView view) =>
        PolicyResolver.Resolve(PolicyReader.Read(text, "p.policy").Value!, view).Value!;

    private static string Address(string container) =>
        IpAddressValue.Format(PolicyResolverTests.LabHost.ContainerByName(container)!.Endpoints.Single(e => e.Network == "backend").Ipv4!.Value, IpFamily.V4);

    /// <summary>Two containers trade their addresses on a network, as a restart in another order may do.</summary>
    private static DockerView Swap(DockerView view, string a, string b, string network)
    {
        UInt128? AddressOf(string name) => view.ContainerByName(name)!.Endpoints.Single(e => e.Network == network).Ipv4;
        var (first, second) = (AddressOf(a), AddressOf(b));
        return view with
        {
            Containers = [.. view.Containers.Select(c => c.Name != a && c.Name != b ? c : c with
            {
                Endpoints = [.. c.Endpoints.Select(e => e.Network != network ? e : e with { Ipv4 = c.Name == a ? second : first })],
            })],
        };
    }
}
