using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Checks;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Remediation;
using DockerFw.Core.Semantics.Routing;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Core.Syntax.NftJson;

namespace DockerFw.Tests.Policy;

/// <summary>
/// <c>audit --policy</c> judges with the host facts the audit's own answers use (oracle F36, F40):
/// oracle F36's host (TwoBridgeLab in the kernel tests), front (bra, fd00:a::/64) and back (brb,
/// fd00:b::/64), a server on both, a client on back, firewalld's strict reverse-path check and the
/// host's routes. The client asks the server's front address; the server answers from its back
/// endpoint, switched on brb, after finding the client's link there from its link-local address,
/// which Docker does not report: any of fe80::/64 but the host's own (fe80::1 on brb, which the check
/// drops as a source). The echo reply's source is front's, whose route leaves by bra: the check drops
/// it, every connection is one-way, and the kernel agrees (ReplyAcrossReversePathKernelTests).
/// </summary>
public sealed class PolicyHostFactsTests
{
    // nft -j list ruleset of firewalld's reverse-path chain (IPv6_rpfilter=yes): neighbour discovery's
    // router advertisements and solicitations accepted before the strict fib check.
    private const string Firewalld = """
        {"nftables": [{"table": {"family": "inet", "name": "firewalld", "handle": 1}},
         {"chain": {"family": "inet", "table": "firewalld", "name": "filter_PREROUTING", "handle": 1, "type": "filter", "hook": "prerouting", "prio": 10, "policy": "accept"}},
         {"rule": {"family": "inet", "table": "firewalld", "chain": "filter_PREROUTING", "handle": 3, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "icmpv6", "field": "type"}}, "right": {"set": ["nd-router-advert", "nd-neighbor-solicit"]}}}, {"accept": null}]}},
         {"rule": {"family": "inet", "table": "firewalld", "chain": "filter_PREROUTING", "handle": 4, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "nfproto"}}, "right": "ipv6"}}, {"match": {"op": "==", "left": {"fib": {"result": "oif", "flags": ["saddr", "mark", "iif"]}}, "right": false}}, {"drop": null}]}}]}
        """;

    // Docker 27's ip6tables with nothing isolated (the policy's findings are about what the rules let through).
    private const string Ip6tables = """
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD DROP [0:0]
        :OUTPUT ACCEPT [0:0]
        :DOCKER-USER - [0:0]
        -A FORWARD -j DOCKER-USER
        -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
        -A FORWARD -i bra -j ACCEPT
        -A FORWARD -i brb -j ACCEPT
        -A DOCKER-USER -j RETURN
        COMMIT
        """;

    // ip -6 -j route show table all on that host: Docker's fe80::1 on each bridge is the host's (table local).
    private const string Routes = """
        [{"dst":"fd00:a::/64","dev":"bra","protocol":"kernel","metric":256,"flags":[],"pref":"medium"},
         {"dst":"fd00:b::/64","dev":"brb","protocol":"kernel","metric":256,"flags":[],"pref":"medium"},
         {"dst":"fe80::/64","dev":"bra","protocol":"kernel","metric":256,"flags":[],"pref":"medium"},
         {"dst":"fe80::/64","dev":"brb","protocol":"kernel","metric":256,"flags":[],"pref":"medium"},
         {"type":"local","dst":"::1","dev":"lo","table":"local","protocol":"kernel","metric":0,"flags":[],"pref":"medium"},
         {"type":"anycast","dst":"fd00:a::","dev":"bra","table":"local","protocol":"kernel","metric":0,"flags":[],"pref":"medium"},
         {"type":"local","dst":"fd00:a::1","dev":"bra","table":"local","protocol":"kernel","metric":0,"flags":[],"pref":"medium"},
         {"type":"anycast","dst":"fd00:b::","dev":"brb","table":"local","protocol":"kernel","metric":0,"flags":[],"pref":"medium"},
         {"type":"local","dst":"fd00:b::1","dev":"brb","table":"local","protocol":"kernel","metric":0,"flags":[],"pref":"medium"},
         {"type":"anycast","dst":"fe80::","dev":"bra","table":"local","protocol":"kernel","metric":0,"flags":[],"pref":"medium"},
         {"type":"anycast","dst":"fe80::","dev":"brb","table":"local","protocol":"kernel","metric":0,"flags":[],"pref":"medium"},
         {"type":"local","dst":"fe80::1","dev":"bra","table":"local","protocol":"kernel","metric":0,"flags":[],"pref":"medium"},
         {"type":"local","dst":"fe80::1","dev":"brb","table":"local","protocol":"kernel","metric":0,"flags":[],"pref":"medium"}]
        """;

    internal const string DockerJson = """
        [
          {"Name": "front", "Id": "f1", "Driver": "bridge", "EnableIPv6": true,
           "IPAM": {"Config": [{"Subnet": "10.88.1.0/24", "Gateway": "10.88.1.1"}, {"Subnet": "fd00:a::/64", "Gateway": "fd00:a::1"}]},
           "Options": {"com.docker.network.bridge.name": "bra"}},
          {"Name": "back", "Id": "b1", "Driver": "bridge", "EnableIPv6": true,
           "IPAM": {"Config": [{"Subnet": "10.88.2.0/24", "Gateway": "10.88.2.1"}, {"Subnet": "fd00:b::/64", "Gateway": "fd00:b::1"}]},
           "Options": {"com.docker.network.bridge.name": "brb"}},
          {"Name": "/server", "Id": "s1", "State": {"Running": true}, "HostConfig": {"NetworkMode": "front"},
           "NetworkSettings": {"Networks": {
             "front": {"NetworkID": "f1", "IPAddress": "10.88.1.2", "GlobalIPv6Address": "fd00:a::2"},
             "back": {"NetworkID": "b1", "IPAddress": "10.88.2.2", "GlobalIPv6Address": "fd00:b::2"}}}},
          {"Name": "/client", "Id": "c1", "State": {"Running": true}, "HostConfig": {"NetworkMode": "back"},
           "NetworkSettings": {"Networks": {"back": {"NetworkID": "b1", "IPAddress": "10.88.2.3", "GlobalIPv6Address": "fd00:b::3"}}}}
        ]
        """;

    private static readonly DockerView View = DockerInspectReader.Read(DockerJson, "docker.json").Value!;

    [Fact]
    public void The_policy_judges_the_reply_way_as_the_container_matrix_does_one_way_without_doubt()
    {
        var report = Audit("allow back -> front");

        var entry = Assert.Single(report.ContainersReachability!.Value, e => e.FromAddress == "fd00:b::3" && e.ToAddress == "fd00:a::2");
        Assert.All(entry.Flows, f => Assert.Equal(("one-way", false), (f.Kind, f.Possible)));
        // Before F40 the policy's gate counted fe80::1 among the server's link-local addresses: "may be blocked".
        var pair = report.Findings.Where(f => f.Message.StartsWith("over IPv6 (ip6tables), 'client' on 'back' -> 'server' on 'front'", StringComparison.Ordinal)).ToList();
        Assert.Contains("new connections get their first packet through but not the replies, but the policy p.policy allows them", Assert.Single(pair).Message, StringComparison.Ordinal);
    }

    // The same host with ip6tables' own strict reverse-path check (raw PREROUTING, as firewalld's
    // iptables back end and hand-written hosts have it), in the rules a plan is proved on.
    private static readonly Ruleset StrictIp6tables = IptablesSaveReader.Read(
        "*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A PREROUTING -m rpfilter --invert -j DROP\nCOMMIT\n" + Ip6tables, "ip6tables-save", IpFamily.V6).Value!;

    private static readonly Ruleset V4 = IptablesSaveReader.Read("""
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD DROP [0:0]
        :OUTPUT ACCEPT [0:0]
        :DOCKER-USER - [0:0]
        -A FORWARD -j DOCKER-USER
        -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
        -A FORWARD -i bra -j ACCEPT
        -A FORWARD -i brb -j ACCEPT
        -A DOCKER-USER -j RETURN
        COMMIT
        """, "iptables-save", IpFamily.V4).Value!;

    /// <summary>
    /// The plan's proof with the host's routes (read live or with --routes): a container's packets on
    /// its own bridge pass the strict check (the route back to its subnet is that bridge), which
    /// without the routes the proof could not decide, and refused every plan of an IPv6 network.
    /// </summary>
    [Fact]
    public void The_plans_proof_decides_the_reverse_path_check_by_the_hosts_routes()
    {
        var policy = Resolve("network back { icc on }") with { Routes = RouteListReader.Read(Routes, "routes.json").Value! };

        var plan = PolicyPlanner.Plan(V4, StrictIp6tables, policy);

        Assert.True(plan.Succeeded, string.Join("\n", plan.Diagnostics.Select(d => d.Render())));
        Assert.NotNull(plan.Value!.Ipv6);
    }

    /// <summary>
    /// The proof of <c>allow back -> front</c> on that host refuses as the audit judges: the server's
    /// replies to the client, switched on brb from front's address, fail the strict check (one-way),
    /// and its neighbour discovery there passes, the host's own fe80::1 being no container's.
    /// </summary>
    [Fact]
    public void The_plans_proof_refuses_a_reply_way_the_check_drops_as_one_way_not_uncertain()
    {
        var policy = Resolve("allow back -> front") with { Routes = RouteListReader.Read(Routes, "routes.json").Value! };

        var plan = PolicyPlanner.Plan(V4, StrictIp6tables, policy);

        var refusal = Assert.Single(plan.Diagnostics, d => d.Message.Contains("'client' on 'back' -> 'server' on 'front' over IPv6", StringComparison.Ordinal));
        Assert.Contains("is one-way, not reachable: its replies are not accepted", refusal.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("neighbour discovery", refusal.Message, StringComparison.Ordinal);
    }

    private static ResolvedPolicy Resolve(string policy) => PolicyResolver.Resolve(PolicyReader.Read(policy, "p.policy").Value!, View).Value!;

    internal static AuditReport Audit(string policy)
    {
        var v6 = HostRuleset.Merge(IptablesSaveReader.Read(Ip6tables, "ip6tables-save", IpFamily.V6).Value!, NftJsonReader.Read(Firewalld, "nft.json").Value!);
        var resolved = PolicyResolver.Resolve(PolicyReader.Read(policy, "p.policy").Value!, View).Value!;
        return Auditor.Run(new AuditContext(Ruleset.Empty(IpFamily.V4), v6, View, HostSettings.Unknown)
        {
            Policy = resolved,
            ContainerMatrix = true,
            Routes = RouteListReader.Read(Routes, "routes.json").Value!,
        });
    }
}
