using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Remediation;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Tests;
using DockerFw.Tests.Policy;

namespace DockerFw.Tests.Remediation;

/// <summary>Plans over samples/lab-host, whose backend already runs with icc off.</summary>
public sealed class PolicyPlannerTests
{
    private static readonly Ruleset LabHost = IptablesSaveReader.Read(
        File.ReadAllText(Path.Combine(Corpus.RepoRoot, "samples", "lab-host", "iptables-save")), "iptables-save", IpFamily.V4).Value!;

    [Fact]
    public void An_allowed_pair_on_an_icc_off_network_gets_its_connections_and_their_replies_and_nothing_more()
    {
        var plan = Plan("network backend { icc off; allow api -> db tcp/5432 }");
        var (api, db) = (Address("api", "backend"), Address("db", "backend"));
        var bridge = PolicyResolverTests.LabHost.NetworkByName("backend")!.Bridge;

        Assert.Equal(
        [
            $"-A DOCKERFW-POLICY -s {db}/32 -d {api}/32 -i {bridge} -o {bridge} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
            $"-A DOCKERFW-POLICY -s {api}/32 -d {db}/32 -i {bridge} -o {bridge} -p tcp -m tcp --dport 5432 -j ACCEPT",
        ], plan.Rules.AsEnumerable());
        Assert.True(plan.AddsJump);
        Assert.Equal("-A DOCKER-USER -j DOCKERFW-POLICY", IptablesSaveWriter.FormatRule(plan.After["filter"]!["DOCKER-USER"]!.Rules[0]));
    }

    [Fact]
    public void Icc_off_on_a_network_Docker_runs_with_icc_on_drops_its_bridge_traffic()
    {
        var bridge = PolicyResolverTests.LabHost.NetworkByName("frontend")!.Bridge;

        Assert.Equal([$"-A DOCKERFW-POLICY -i {bridge} -o {bridge} -j DROP"], Plan("network frontend { icc off }").Rules.AsEnumerable());
    }

    [Fact]
    public void Planning_again_on_the_planned_state_changes_nothing()
    {
        var first = Plan("network backend { icc off; allow api -> db tcp/5432 }");

        var second = PolicyPlanner.Plan(first.After, Resolve("network backend { icc off; allow api -> db tcp/5432 }")).Value!;

        Assert.True(second.ChangesNothing);
        Assert.False(second.AddsJump);
        Assert.False(first.ChangesNothing);
    }

    [Fact]
    public void A_masquerade_setting_Docker_does_not_run_is_refused_with_the_remedy()
    {
        var result = PolicyPlanner.Plan(LabHost, Resolve("network backend {\n  masquerade off\n}"));

        Assert.Null(result.Value);
        Assert.Equal(
            "p.policy:2:3: error: expected masquerade off on network 'backend', but Docker runs it on and masquerade is decided in nat POSTROUTING, which dockerfw does not edit; set com.docker.network.bridge.enable_ip_masquerade=false on the network [DFW830]",
            Assert.Single(result.Diagnostics).Render());
    }

    [Fact]
    public void A_forward_accept_above_docker_user_makes_the_plan_refuse_and_name_the_rule()
    {
        var text = File.ReadAllText(Path.Combine(Corpus.RepoRoot, "samples", "lab-host", "iptables-save"))
            .Replace("-A FORWARD -j DOCKER-USER", "-A FORWARD -j ACCEPT\n-A FORWARD -j DOCKER-USER", StringComparison.Ordinal);
        var host = IptablesSaveReader.Read(text, "iptables-save", IpFamily.V4).Value!;

        var result = PolicyPlanner.Plan(host, Resolve("network backend { icc off; allow api -> db tcp/5432 }"));

        Assert.Null(result.Value);
        Assert.All(result.Diagnostics, d => Assert.Equal("DFW831", d.Code));
        Assert.Contains(result.Diagnostics, d => d.Message.Contains("'db' on 'backend' -> 'api' on 'backend' every protocol is reachable, not blocked (decided by filter/FORWARD#1 (line 10): -A FORWARD -j ACCEPT)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_published_port_other_sources_still_reach_is_refused_naming_the_sources_and_the_rule()
    {
        var text = File.ReadAllText(Path.Combine(Corpus.RepoRoot, "samples", "lab-host", "iptables-save"))
            .Replace("-A FORWARD -j DOCKER-USER", "-A FORWARD -s 10.0.0.0/8 -j ACCEPT\n-A FORWARD -j DOCKER-USER", StringComparison.Ordinal);
        var host = IptablesSaveReader.Read(text, "iptables-save", IpFamily.V4).Value!;

        var result = PolicyPlanner.Plan(host, Resolve("publish web tcp/8080 from 192.0.2.0/24"));

        Assert.Null(result.Value);
        Assert.Equal(
            $"p.policy:1:1: error: expected the host to satisfy the policy after the plan, but tcp/8080 on any address of the host from 10.0.0.0-10.255.255.255 reaches 'web' ({Address("web", "frontend")}:80), but the policy says it does not (decided by filter/FORWARD#1 (line 10): -A FORWARD -s 10.0.0.0/8 -j ACCEPT) [DFW831]",
            Assert.Single(result.Diagnostics).Render());
    }

    [Fact]
    public void A_published_port_an_accept_of_the_uplink_above_docker_user_keeps_open_is_refused_naming_the_interface_and_the_rule()
    {
        // Oracle F41 (corpus docker20.10-sim-forward-accept-above-docker-user): the admin's rule runs
        // before FORWARD's jump to DOCKER-USER, where the plan's rules are, and a plan moves only
        // Docker's own rules out of the way; the proof asked one uplink no rule names and passed.
        var text = File.ReadAllText(Path.Combine(Corpus.RepoRoot, "samples", "lab-host", "iptables-save"))
            .Replace("-A FORWARD -j DOCKER-USER", "-A FORWARD -i eth0 -j ACCEPT\n-A FORWARD -j DOCKER-USER", StringComparison.Ordinal);
        var host = IptablesSaveReader.Read(text, "iptables-save", IpFamily.V4).Value!;

        var result = PolicyPlanner.Plan(host, Resolve("publish web tcp/8080 from 192.0.2.0/24"));

        Assert.Null(result.Value);
        Assert.Equal(
            $"p.policy:1:1: error: expected the host to satisfy the policy after the plan, but tcp/8080 on any address of the host from 0.0.0.0-192.0.1.255, 192.0.3.0-255.255.255.255 via eth0 reaches 'web' ({Address("web", "frontend")}:80), but the policy says it does not (decided by filter/FORWARD#1 (line 10): -A FORWARD -i eth0 -j ACCEPT) [DFW831]",
            Assert.Single(result.Diagnostics).Render());
    }

    // The hole lets the first packet through; its replies get back only where the hole holds them too:
    // a DNS answer to a query from source port 53, every reply of "! -p tcp"; an echo request's reply
    // (type 0) is not in "--icmp-type 8", so that pair is one-way.
    [Theory]
    [InlineData("-p icmp -m icmp --icmp-type 8", "icmp/type 8 is one-way")]
    [InlineData("-p udp -m udp --dport 53", "udp/53 from source port 53 is reachable")]
    [InlineData("! -p tcp", "udp, dccp, sctp, udplite, icmp, other protocols is reachable")]
    public void A_hole_anywhere_in_the_packet_space_is_refused_naming_exactly_those_packets(string hole, string packets)
    {
        var text = File.ReadAllText(Path.Combine(Corpus.RepoRoot, "samples", "lab-host", "iptables-save"))
            .Replace("-A FORWARD -j DOCKER-USER", $"-A FORWARD {hole} -j ACCEPT\n-A FORWARD -j DOCKER-USER", StringComparison.Ordinal);
        var host = IptablesSaveReader.Read(text, "iptables-save", IpFamily.V4).Value!;

        var result = PolicyPlanner.Plan(host, Resolve("network backend { icc off; allow api -> db tcp/5432 }"));

        Assert.Null(result.Value);
        Assert.Contains(result.Diagnostics, d => d.Message.Contains(
            $"'db' on 'backend' -> 'api' on 'backend' {packets}, not blocked (decided by filter/FORWARD#1 (line 10): -A FORWARD {hole} -j ACCEPT)", StringComparison.Ordinal));
    }

    [Fact]
    public void The_diff_turns_the_before_state_into_the_after_state_with_patch()
    {
        var plan = Plan("allow frontend -> backend tcp/5432\ndocker-user default drop");
        var folder = Directory.CreateTempSubdirectory("dfw-plan-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "iptables-save"), IptablesSaveWriter.Write(plan.Before, includeCounters: false));
            File.WriteAllText(Path.Combine(folder, "plan.diff"), plan.Diff);
            var patch = Processes.Run("patch", ["-p1", "-i", "plan.diff"], workingDirectory: folder);

            Assert.True(patch.Ok, patch.ToString());
            Assert.Equal(IptablesSaveWriter.Write(plan.After, includeCounters: false), File.ReadAllText(Path.Combine(folder, "iptables-save")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(PolicyReaderTests.ExamplePolicies), MemberType = typeof(PolicyReaderTests))]
    public void Each_example_policy_plans_the_approved_rules_and_diff_on_the_lab_host(string file)
    {
        var policy = PolicyResolver.Resolve(PolicyReader.Read(File.ReadAllText(file), "rules/" + Path.GetFileName(file)).Value!, PolicyResolverTests.LabHost);
        var plan = PolicyPlanner.Plan(LabHost, policy.Value!).Value!;

        Snapshots.Verify($"{plan.RestoreInput}\n{plan.Diff}", $"lab-host.{Path.GetFileNameWithoutExtension(file)}");
    }

    private static PolicyPlan Plan(string text)
    {
        var result = PolicyPlanner.Plan(LabHost, Resolve(text));
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Value!;
    }

    private static ResolvedPolicy Resolve(string text) =>
        PolicyResolver.Resolve(PolicyReader.Read(text, "p.policy").Value!, PolicyResolverTests.LabHost).Value!;

    private static string Address(string container, string network) => IpAddressValue.Format(
        PolicyResolverTests.LabHost.ContainerByName(container)!.Endpoints.Single(e => e.Network == network).Ipv4!.Value, IpFamily.V4);
}
