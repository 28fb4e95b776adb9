using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Checks;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Remediation;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Tests.Remediation;

namespace DockerFw.Tests.Policy;

/// <summary>
/// samples/lab-host's dual-stack frontend (web, api) with Docker 27's ip6tables, where an admin's rule
/// in DOCKER-USER drops IPv6 neighbour advertisements (as ufw's FORWARD drops all neighbour discovery,
/// oracle F26): web and api never find each other's link, so no IPv6 packet passes between them,
/// whatever the rules say of the packets. Every claim that one reaches the other over IPv6 (the
/// policy's judge, the plan's proof, the container matrix) says so.
/// </summary>
public sealed class NeighbourDiscoveryPolicyTests
{
    private const string Policy = "network frontend { icc off; allow api -> web tcp/80 }";

    private const string DropsAdvertisements = "-A DOCKER-USER -p ipv6-icmp -m icmp6 --icmpv6-type 136 -j DROP";

    private static readonly Ruleset V4 = IptablesSaveReader.Read(File.ReadAllText(Path.Combine(Corpus.RepoRoot, "samples", "lab-host", "iptables-save")), "iptables-save", IpFamily.V4).Value!;

    private static readonly Ruleset Dropping = Reread(IptablesSaveWriter.Write(Ipv6PlanTests.Docker27, includeCounters: false)
        .Replace("-A DOCKER-USER -j RETURN", DropsAdvertisements + "\n-A DOCKER-USER -j RETURN", StringComparison.Ordinal));

    [Fact]
    public void The_allowed_pair_is_blocked_by_the_dropped_advertisements_and_the_forbidden_ones_are_no_finding()
    {
        var ipv6 = Findings(Dropping, Policy).Where(f => f.Message.StartsWith("over IPv6", StringComparison.Ordinal)).ToList();

        // Not applied (DFW901); api -> web tcp/80 blocked; web -> api and api's other ports blocked, as the policy wants.
        Assert.Equal(["DFW901", "DFW903"], ipv6.Select(f => f.Code.Code));
        Assert.StartsWith("over IPv6 (ip6tables), 'api' on 'frontend' -> 'web' on 'frontend' tcp/80: new connections are blocked", ipv6[1].Message, StringComparison.Ordinal);
        var evidence = Assert.Single(ipv6[1].Evidence);
        Assert.Equal(DropsAdvertisements, evidence.Text);
        Assert.Contains("neighbour discovery", evidence.Role, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plan_that_keeps_frontends_icc_accepts_its_neighbour_discovery_ahead_of_the_drop_and_proves_it()
    {
        // The policy says nothing of frontend: Docker's icc (on) is what it expects there, which the drop breaks.
        var plan = PolicyPlanner.Plan(V4, Dropping, Resolve("network backend { icc off }"));

        Assert.True(plan.Succeeded, string.Join("\n", plan.Diagnostics));
        var bridge = PolicyResolverTests.LabHost.NetworkByName("frontend")!.Bridge;
        Assert.Equal(
        [
            $"-A DOCKERFW-POLICY -i {bridge} -o {bridge} -p ipv6-icmp -m icmp6 --icmpv6-type 135 -j ACCEPT",
            $"-A DOCKERFW-POLICY -i {bridge} -o {bridge} -p ipv6-icmp -m icmp6 --icmpv6-type 136 -j ACCEPT",
        ], plan.Value!.Ipv6!.Rules.AsEnumerable());
        Assert.DoesNotContain(Findings(Reread(IptablesSaveWriter.Write(plan.Value.Ipv6.After, includeCounters: false)), "network backend { icc off }"),
            f => f.Message.StartsWith("over IPv6", StringComparison.Ordinal));
    }

    [Fact]
    public void The_policys_own_plan_accepts_neighbour_discovery_first_and_holds()
    {
        var plan = PolicyPlanner.Plan(V4, Dropping, Resolve(Policy));

        Assert.True(plan.Succeeded, string.Join("\n", plan.Diagnostics));
        Assert.DoesNotContain(Findings(Reread(IptablesSaveWriter.Write(plan.Value!.Ipv6!.After, includeCounters: false)), Policy),
            f => f.Message.StartsWith("over IPv6", StringComparison.Ordinal));
    }

    [Fact]
    public void A_drop_before_dockerfws_jump_cannot_be_repaired_and_the_proof_says_why()
    {
        var host = Reread(IptablesSaveWriter.Write(Ipv6PlanTests.Docker27, includeCounters: false)
            .Replace("-A FORWARD -j DOCKER-USER", "-A FORWARD -p ipv6-icmp -m icmp6 --icmpv6-type 135 -j DROP\n-A FORWARD -j DOCKER-USER", StringComparison.Ordinal));

        var plan = PolicyPlanner.Plan(V4, host, Resolve(Policy));

        Assert.Null(plan.Value);
        Assert.Contains(plan.Diagnostics, d => d.Message.Contains(
            "'api' on 'frontend' -> 'web' on 'frontend' over IPv6 tcp/80 is blocked, not reachable: IPv6 neighbour discovery (ICMPv6 135/136) between them is dropped (decided by filter/FORWARD#1", StringComparison.Ordinal));
    }

    [Fact]
    public void The_container_matrix_holds_the_ipv6_pairs_and_denies_those_that_cannot_find_each_other()
    {
        static ContainerReachabilityEntry Pair(AuditReport report, string from, string to) => Assert.Single(report.ContainersReachability!.Value,
            e => e.From == from && e.To == to && e.FromAddress.Contains(':', StringComparison.Ordinal));

        var open = Matrix(Reread(IptablesSaveWriter.Write(Ipv6PlanTests.Docker27, includeCounters: false)));
        var dropped = Matrix(Dropping);

        Assert.Equal(ReachabilityVerdict.Allowed, Pair(open, "api", "web").Verdict);
        Assert.Equal(ReachabilityVerdict.Denied, Pair(dropped, "api", "web").Verdict);
        Assert.Equal(ReachabilityVerdict.Denied, Pair(dropped, "web", "api").Verdict);
        // IPv4 keeps its own matrix: ARP is no packet iptables sees.
        static IEnumerable<string> Ipv4(AuditReport report) => report.ContainersReachability!.Value
            .Where(e => !e.FromAddress.Contains(':', StringComparison.Ordinal)).Select(e => $"{e.FromAddress} -> {e.ToAddress} {e.Verdict}");
        Assert.Equal(Ipv4(open), Ipv4(dropped));
        Assert.NotEmpty(Ipv4(open));
    }

    private static AuditReport Matrix(Ruleset v6) =>
        Auditor.Run(new AuditContext(V4, v6, PolicyResolverTests.LabHost, HostSettings.Unknown) { ContainerMatrix = true });

    private static List<Finding> Findings(Ruleset v6, string policy) =>
        [.. Auditor.Run(new AuditContext(V4, v6, PolicyResolverTests.LabHost, HostSettings.Unknown) { Policy = Resolve(policy) }, [new PolicyCheck()]).Findings];

    private static ResolvedPolicy Resolve(string text) =>
        PolicyResolver.Resolve(PolicyReader.Read(text, "p.policy").Value!, PolicyResolverTests.LabHost).Value!;

    private static Ruleset Reread(string text)
    {
        var read = IptablesSaveReader.Read(text, "ip6tables-save", IpFamily.V6);
        Assert.True(read.Succeeded, string.Join("\n", read.Diagnostics));
        return read.Value!;
    }
}
