using DockerFw.Cli.Tests.Support;
using DockerFw.Tests;

namespace DockerFw.Cli.Tests.Plan;

/// <summary>`dockerfw plan` over samples/lab-host with its Docker JSON.</summary>
public sealed class PlanCommandTests
{
    private static readonly string LabHost = Path.Combine(Corpus.RepoRoot, "samples", "lab-host");

    private static readonly string[] Inputs =
    [
        "--iptables", Path.Combine(LabHost, "iptables-save"),
        "--docker", Path.Combine(LabHost, "docker-networks.json"),
        "--docker", Path.Combine(LabHost, "docker-containers.json"),
    ];

    [Fact]
    public void A_policy_prints_the_restore_input_then_the_diff()
    {
        var run = Dockerfw.Run(["plan", "--policy", Path.Combine(Corpus.RepoRoot, "rules", "icc-off-backend.policy"), .. Inputs]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("*filter\n:DOCKERFW-POLICY - [0:0]\n-I DOCKER-USER 1 -j DOCKERFW-POLICY\n", run.Out, StringComparison.Ordinal);
        Assert.Contains("\n--- a/iptables-save\n+++ b/iptables-save\n", run.Out, StringComparison.Ordinal);
        Assert.Equal("", run.Error);
    }

    [Fact]
    public void With_docker_inspect_alone_the_containers_stay_and_the_networks_come_from_the_rules_as_in_the_audit()
    {
        // docker inspect names web but no networks: the host is completed the one way every command
        // loads it (networks inferred, containers kept), so the policy's 'web' resolves.
        var run = Dockerfw.Run(["plan", "--policy", Path.Combine(Corpus.RepoRoot, "rules", "published-locally.policy"),
            "--iptables", Path.Combine(LabHost, "iptables-save"), "--docker", Path.Combine(LabHost, "docker-containers.json")]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("-A DOCKERFW-POLICY -s 192.0.2.0/24 -d 172.30.1.2/32 -p tcp -m conntrack --ctstate NEW --ctorigdstport 8080 -m tcp --dport 80 -j RETURN\n", run.Out, StringComparison.Ordinal);
        Assert.Equal("dockerfw: note: " + DockerFw.Core.Host.DockerViewCompletion.NetworksInferredNotice + "\n", run.Error);
    }

    [Fact]
    public void With_the_host_s_routes_and_a_strict_rp_filter_the_proof_leaves_out_clients_that_never_arrive_on_eth0()
    {
        // The same native drop on eth0; the office (192.0.2.0/24) is routed via eth1, and eth0's strict
        // rp_filter drops it there on arrival, as audit --policy with the same --routes and --sysctl judges.
        var folder = Directory.CreateTempSubdirectory("dfw-plan-routes-").FullName;
        var nft = Path.Combine(folder, "nft.json");
        File.WriteAllText(nft, """
            {"nftables": [{"table": {"family": "inet", "name": "guard", "handle": 1}},
             {"chain": {"family": "inet", "table": "guard", "name": "forward", "handle": 1, "type": "filter", "hook": "forward", "prio": 10, "policy": "accept"}},
             {"rule": {"family": "inet", "table": "guard", "chain": "forward", "handle": 2, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "eth0"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 80}}, {"drop": null}]}}]}
            """);
        var routes = Path.Combine(folder, "ip-route-v4.json");
        File.WriteAllText(routes, """
            [{"dst":"default","gateway":"203.0.113.1","dev":"eth0","protocol":"static","flags":[]},
             {"dst":"203.0.113.0/24","dev":"eth0","protocol":"kernel","scope":"link","prefsrc":"203.0.113.5","flags":[]},
             {"dst":"192.0.2.0/24","gateway":"10.8.0.1","dev":"eth1","protocol":"static","flags":[]},
             {"dst":"10.8.0.0/24","dev":"eth1","protocol":"kernel","scope":"link","prefsrc":"10.8.0.5","flags":[]},
             {"type":"local","dst":"203.0.113.5","dev":"eth0","table":"local","protocol":"kernel","scope":"host","prefsrc":"203.0.113.5","flags":[]},
             {"type":"local","dst":"10.8.0.5","dev":"eth1","table":"local","protocol":"kernel","scope":"host","prefsrc":"10.8.0.5","flags":[]},
             {"type":"local","dst":"127.0.0.1","dev":"lo","table":"local","protocol":"kernel","scope":"host","prefsrc":"127.0.0.1","flags":[]},
             {"dst":"172.17.0.0/16","dev":"docker0","protocol":"kernel","scope":"link","prefsrc":"172.17.0.1","flags":["linkdown"]},
             {"dst":"172.30.1.0/24","dev":"br-e727bbbf1ba4","protocol":"kernel","scope":"link","prefsrc":"172.30.1.1","flags":[]},
             {"dst":"172.30.2.0/24","dev":"br-9c93ba76092b","protocol":"kernel","scope":"link","prefsrc":"172.30.2.1","flags":[]},
             {"type":"local","dst":"172.17.0.1","dev":"docker0","table":"local","protocol":"kernel","scope":"host","prefsrc":"172.17.0.1","flags":[]},
             {"type":"local","dst":"172.30.1.1","dev":"br-e727bbbf1ba4","table":"local","protocol":"kernel","scope":"host","prefsrc":"172.30.1.1","flags":[]},
             {"type":"local","dst":"172.30.2.1","dev":"br-9c93ba76092b","table":"local","protocol":"kernel","scope":"host","prefsrc":"172.30.2.1","flags":[]}]
            """);
        // No docker-proxy listens (userland-proxy off): the proof is about Docker's DNAT way alone.
        var proxies = Path.Combine(folder, "ss.txt");
        File.WriteAllText(proxies, "");
        string[] plan = ["plan", "--policy", Path.Combine(Corpus.RepoRoot, "rules", "published-locally.policy"), .. Inputs, "--nft", nft, "--routes", routes, "--proxies", proxies];

        var strict = Dockerfw.Run([.. plan, "--sysctl", "net.ipv4.conf.all.rp_filter=0", "--sysctl", "net.ipv4.conf.eth0.rp_filter=1"]);
        var loose = Dockerfw.Run([.. plan, "--sysctl", "net.ipv4.conf.all.rp_filter=2"]);
        var bad = Dockerfw.Run([.. plan, "--sysctl", "net.ipv4.conf.eth0.rp_filter"]);
        Directory.Delete(folder, recursive: true);

        Assert.True(strict.ExitCode == 0, strict.ToString());
        Assert.Contains("-A DOCKERFW-POLICY -s 192.0.2.0/24 -d 172.30.1.2/32", strict.Out, StringComparison.Ordinal);
        Assert.True(loose.ExitCode == 2, loose.ToString());
        Assert.Contains("from 192.0.2.0-192.0.2.255 via eth0 does not reach 'web'", loose.Error, StringComparison.Ordinal);
        Assert.True(bad.ExitCode == 3, bad.ToString());
        Assert.Contains("--sysctl 'net.ipv4.conf.eth0.rp_filter' is not KEY=VALUE", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_native_nft_table_beside_iptables_is_judged_by_the_proof_as_the_audit_judges_it()
    {
        // The plan writes iptables' tables; the host's native table (as firewalld's is) stays as it is
        // and drops the office's connections to web on eth0, which the policy publishes it to.
        var folder = Directory.CreateTempSubdirectory("dfw-plan-nft-").FullName;
        var nft = Path.Combine(folder, "nft.json");
        File.WriteAllText(nft, """
            {"nftables": [{"table": {"family": "inet", "name": "guard", "handle": 1}},
             {"chain": {"family": "inet", "table": "guard", "name": "forward", "handle": 1, "type": "filter", "hook": "forward", "prio": 10, "policy": "accept"}},
             {"rule": {"family": "inet", "table": "guard", "chain": "forward", "handle": 2, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "eth0"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 80}}, {"drop": null}]}}]}
            """);

        var run = Dockerfw.Run(["plan", "--policy", Path.Combine(Corpus.RepoRoot, "rules", "published-locally.policy"), .. Inputs, "--nft", nft]);
        Directory.Delete(folder, recursive: true);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal("", run.Out);
        Assert.Contains("tcp/8080 on any address of the host from 192.0.2.0-192.0.2.255 via eth0 does not reach 'web'", run.Error, StringComparison.Ordinal);
        Assert.Contains("(decided by inet guard/forward#1", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dual_stack_host_gets_the_ip6tables_restore_input_and_diff_after_the_iptables_ones()
    {
        var folder = Directory.CreateTempSubdirectory("dfw-plan6-").FullName;
        var v6 = Path.Combine(folder, "ip6tables-save");
        File.WriteAllText(v6, File.ReadAllText(Path.Combine(LabHost, "ip6tables-save"))
            .Replace(":DOCKER-ISOLATION-STAGE-2 - [0:0]\n", ":DOCKER-ISOLATION-STAGE-2 - [0:0]\n:DOCKER-USER - [0:0]\n", StringComparison.Ordinal)
            .Replace("-A FORWARD -j DOCKER-ISOLATION-STAGE-1\n", "-A FORWARD -j DOCKER-USER\n-A FORWARD -j DOCKER-ISOLATION-STAGE-1\n", StringComparison.Ordinal));

        // A daemon without the userland proxy: no docker-proxy listens (an empty listing).
        var proxies = Path.Combine(folder, "proxies.txt");
        File.WriteAllText(proxies, "");

        // web, which the policy restricts, is on the dual-stack frontend: the policy has an ip6tables half.
        var run = Dockerfw.Run(["plan", "--policy", Path.Combine(Corpus.RepoRoot, "rules", "published-locally.policy"), .. Inputs, "--ip6tables", v6, "--proxies", proxies]);
        var backendOnly = Dockerfw.Run(["plan", "--policy", Path.Combine(Corpus.RepoRoot, "rules", "icc-off-backend.policy"), .. Inputs, "--ip6tables", v6]);
        // With Docker's default, docker-proxy serves web's port to every network's containers, which
        // Docker does not DNAT: those ways never cross DOCKER-USER, and the plan is refused naming them.
        var proxied = Dockerfw.Run(["plan", "--policy", Path.Combine(Corpus.RepoRoot, "rules", "published-locally.policy"), .. Inputs, "--ip6tables", v6]);
        Directory.Delete(folder, recursive: true);

        Assert.True(proxied.ExitCode == 2, proxied.ToString());
        Assert.Equal("", proxied.Out);
        Assert.Contains(" reaches 'web' through docker-proxy on [::]:8080, from containers of 'frontend' by the host's address (INPUT, then the host's own connection to the container: DOCKER-USER never sees them), but the policy says it does not (decided by policy of filter/INPUT). ",
            proxied.Error, StringComparison.Ordinal);
        Assert.Contains("ip6tables -I INPUT -p tcp --dport 8080 ! -i lo -j DROP; ip6tables -I INPUT -s 2001:db8::/32 -p tcp --dport 8080 -j ACCEPT", proxied.Error, StringComparison.Ordinal);
        Assert.All(proxied.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.EndsWith("[DFW831]", line, StringComparison.Ordinal));

        Assert.True(run.ExitCode == 0, run.ToString());
        var (restore6, diff4, diff6) = (run.Out.IndexOf("# ip6tables-restore --noflush\n*filter\n", StringComparison.Ordinal),
            run.Out.IndexOf("--- a/iptables-save\n", StringComparison.Ordinal), run.Out.IndexOf("--- a/ip6tables-save\n", StringComparison.Ordinal));
        Assert.True(restore6 > 0 && diff4 > restore6 && diff6 > diff4, run.Out);
        Assert.Equal("", run.Error);
        Assert.True(backendOnly.ExitCode == 0, backendOnly.ToString());
        Assert.DoesNotContain("ip6tables", backendOnly.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_docker_user_in_ip6tables_the_plan_warns_that_it_covers_ipv4_only()
    {
        var run = Dockerfw.Run(["plan", "--policy", Path.Combine(Corpus.RepoRoot, "rules", "icc-off-backend.policy"), .. Inputs,
            "--ip6tables", Path.Combine(LabHost, "ip6tables-save")]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("warning: networks 'frontend' have IPv6, but ip6tables has no DOCKER-USER chain", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("ip6tables-save", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_that_does_not_resolve_exits_2_with_its_position()
    {
        var policy = Path.Combine(Directory.CreateTempSubdirectory("dfw-plan-").FullName, "bad.policy");
        File.WriteAllText(policy, "network backend {\n  allow web -> db\n}\n");

        var run = Dockerfw.Run(["plan", "--policy", policy, .. Inputs]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"{policy}:2:9: error: expected a container on network 'backend' (api, db), but got 'web' [DFW803]\n", run.Error);
        Assert.Equal("", run.Out);
        Directory.Delete(Path.GetDirectoryName(policy)!, recursive: true);
    }
}
