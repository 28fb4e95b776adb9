using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Remediation;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Tests.Policy;

namespace DockerFw.Tests.Remediation;

/// <summary>
/// The ip6tables half of a plan, over samples/lab-host, whose frontend (web, api) is dual-stack. Its
/// Docker 20.10 wrote no DOCKER-USER into ip6tables; Docker 27 and later do, first in FORWARD, which
/// <see cref="Docker27"/> adds the way they write it.
/// </summary>
public sealed class Ipv6PlanTests
{
    private static readonly string Folder = Path.Combine(Corpus.RepoRoot, "samples", "lab-host");

    private static readonly Ruleset V4 = Read("iptables-save", IpFamily.V4);

    private static readonly Ruleset Captured = Read("ip6tables-save", IpFamily.V6);

    internal static readonly Ruleset Docker27 = IptablesSaveReader.Read(File.ReadAllText(Path.Combine(Folder, "ip6tables-save"))
        .Replace(":DOCKER-ISOLATION-STAGE-2 - [0:0]\n", ":DOCKER-ISOLATION-STAGE-2 - [0:0]\n:DOCKER-USER - [0:0]\n", StringComparison.Ordinal)
        .Replace("-A FORWARD -j DOCKER-ISOLATION-STAGE-1\n", "-A FORWARD -j DOCKER-USER\n-A FORWARD -j DOCKER-ISOLATION-STAGE-1\n", StringComparison.Ordinal)
        .Replace("-A DOCKER-ISOLATION-STAGE-2 -j RETURN\n", "-A DOCKER-ISOLATION-STAGE-2 -j RETURN\n-A DOCKER-USER -j RETURN\n", StringComparison.Ordinal),
        "ip6tables-save", IpFamily.V6).Value!;

    [Fact]
    public void A_dual_stack_network_gets_its_rules_in_ip6tables_keyed_to_the_ipv6_addresses_with_its_own_diff()
    {
        var plan = Plan("network frontend { icc off; allow api -> web tcp/80 }", Docker27);
        var (api, web) = (V6Of("api"), V6Of("web"));
        var bridge = PolicyResolverTests.LabHost.NetworkByName("frontend")!.Bridge;

        var ipv6 = Assert.IsType<PolicyPlan>(plan.Ipv6);
        Assert.Equal(
        [
            $"-A DOCKERFW-POLICY -i {bridge} -o {bridge} -p ipv6-icmp -m icmp6 --icmpv6-type 135 -j ACCEPT",
            $"-A DOCKERFW-POLICY -i {bridge} -o {bridge} -p ipv6-icmp -m icmp6 --icmpv6-type 136 -j ACCEPT",
            $"-A DOCKERFW-POLICY -s {web}/128 -d {api}/128 -i {bridge} -o {bridge} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
            $"-A DOCKERFW-POLICY -s {api}/128 -d {web}/128 -i {bridge} -o {bridge} -p tcp -m tcp --dport 80 -j ACCEPT",
            $"-A DOCKERFW-POLICY -i {bridge} -o {bridge} -j DROP",
        ], ipv6.Rules.AsEnumerable());
        Assert.StartsWith("--- a/ip6tables-save\n+++ b/ip6tables-save\n", ipv6.Diff, StringComparison.Ordinal);
        Assert.Equal(IpFamily.V6, ipv6.After.Family);
        Assert.Contains($"-s {IpAddressValue.Format(PolicyResolverTests.LabHost.ContainerByName("api")!.Endpoints.Single(e => e.Network == "frontend").Ipv4!.Value, IpFamily.V4)}/32", string.Join("\n", plan.Rules), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_docker_user_in_ip6tables_the_plan_covers_ipv4_and_warns_which_networks_have_ipv6()
    {
        var result = PolicyPlanner.Plan(V4, Captured, Resolve("network frontend { icc off }"));

        Assert.True(result.Succeeded);
        Assert.Null(result.Value!.Ipv6);
        Assert.Equal(
            "p.policy:1:1: warning: networks 'frontend' have IPv6, but ip6tables has no DOCKER-USER chain (Docker writes it from version 27 on, with ip6tables on): the plan covers IPv4 only [DFW833]",
            Assert.Single(result.Diagnostics).Render());
    }

    [Fact]
    public void The_ipv6_half_is_proved_on_its_own_rules_and_a_refusal_says_ipv6()
    {
        var host = IptablesSaveReader.Read(IptablesSaveWriter.Write(Docker27, includeCounters: false)
            .Replace("-A FORWARD -j DOCKER-USER", "-A FORWARD -j ACCEPT\n-A FORWARD -j DOCKER-USER", StringComparison.Ordinal), "ip6tables-save", IpFamily.V6).Value!;

        var result = PolicyPlanner.Plan(V4, host, Resolve("network frontend { icc off }"));

        Assert.Null(result.Value);
        Assert.Contains(result.Diagnostics, d => d.Message.Contains(
            "'api' on 'frontend' -> 'web' on 'frontend' over IPv6 every protocol is reachable, not blocked (decided by filter/FORWARD#1", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_ip6tables_rules_the_plan_has_no_ipv6_half()
    {
        Assert.Null(PolicyPlanner.Plan(V4, null, Resolve("network frontend { icc off }")).Value!.Ipv6);
    }

    [Fact]
    public void A_policy_that_names_no_network_with_ipv6_adds_no_ip6tables_half()
    {
        // backend, the only network the policy names, has no IPv6; frontend's does not concern it.
        var plan = Plan("network backend { icc off; allow api -> db tcp/5432 }", Docker27);

        Assert.Null(plan.Ipv6);
        Assert.NotEmpty(plan.Rules);
    }

    [Fact]
    public void An_ip6tables_chain_left_by_an_earlier_apply_is_emptied_when_the_policy_no_longer_names_ipv6()
    {
        var earlier = Plan("network frontend { icc off }", Docker27).Ipv6!.After;

        var ipv6 = Assert.IsType<PolicyPlan>(PolicyPlanner.Plan(V4, earlier, Resolve("network backend { icc off }")).Value!.Ipv6);

        Assert.Empty(ipv6.Rules);
        Assert.Contains("\n--A DOCKERFW-POLICY -i ", ipv6.Diff, StringComparison.Ordinal);
        Assert.DoesNotContain("\n+-A DOCKERFW-POLICY", ipv6.Diff, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ipv6_half_left_out_is_still_proved()
    {
        // frontend keeps Docker's icc (on) under this policy, but ip6tables drops it ahead of everything.
        var bridge = PolicyResolverTests.LabHost.NetworkByName("frontend")!.Bridge;
        var host = IptablesSaveReader.Read(IptablesSaveWriter.Write(Docker27, includeCounters: false)
            .Replace("-A FORWARD -j DOCKER-USER", $"-A FORWARD -i {bridge} -o {bridge} -j DROP\n-A FORWARD -j DOCKER-USER", StringComparison.Ordinal), "ip6tables-save", IpFamily.V6).Value!;

        var result = PolicyPlanner.Plan(V4, host, Resolve("network backend { icc off }"));

        Assert.Null(result.Value);
        Assert.Contains(result.Diagnostics, d => d.Message.Contains("over IPv6", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(PolicyReaderTests.ExamplePolicies), MemberType = typeof(PolicyReaderTests))]
    public void Each_example_policy_plans_the_approved_ipv6_half_on_the_dual_stack_lab_host(string file)
    {
        var policy = PolicyResolver.Resolve(PolicyReader.Read(File.ReadAllText(file), "rules/" + Path.GetFileName(file)).Value!, PolicyResolverTests.LabHost);
        var ipv6 = PolicyPlanner.Plan(V4, Docker27, policy.Value!).Value!.Ipv6;

        Snapshots.Verify(ipv6 is null ? "no ip6tables half: nothing the policy says names an IPv6 address\n" : $"{ipv6.RestoreInput}\n{ipv6.Diff}",
            $"lab-host-ipv6.{Path.GetFileNameWithoutExtension(file)}");
    }

    private static PolicyPlan Plan(string text, Ruleset v6)
    {
        var result = PolicyPlanner.Plan(V4, v6, Resolve(text));
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Value!;
    }

    private static ResolvedPolicy Resolve(string text) =>
        PolicyResolver.Resolve(PolicyReader.Read(text, "p.policy").Value!, PolicyResolverTests.LabHost).Value!;

    private static string V6Of(string container) => IpAddressValue.Format(
        PolicyResolverTests.LabHost.ContainerByName(container)!.Endpoints.Single(e => e.Network == "frontend").Ipv6!.Value, IpFamily.V6);

    private static Ruleset Read(string name, IpFamily family) =>
        IptablesSaveReader.Read(File.ReadAllText(Path.Combine(Folder, name)), name, family).Value!;
}
