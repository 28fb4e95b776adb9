using System.Text.Json;
using System.Text.Json.Nodes;
using DockerFw.Core.Audit;
using DockerFw.Tests;

namespace DockerFw.Cli.Tests.Audit;

/// <summary>docs/audit.schema.json describes what `dockerfw audit --format json` really prints.</summary>
public sealed class AuditJsonSchemaTests
{
    private static readonly JsonElement Schema =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Corpus.RepoRoot, "docs", "audit.schema.json"))).RootElement;

    private static readonly JsonSchemaCheck Checker = new(Schema);

    public static TheoryData<string> Audits() => new()
    {
        "lab-host with Docker's JSON",
        "lab-host inferred from its rules",
        "lab-host with an icc hole and sysctls",
        "lab-host with the container matrix",
        "lab-host whose replies die for one source port",
        "lab-host whose replies die for half of a network's sources",
        "lab-host against a policy it does not run",
        "lab-host after the plan of a policy, with what it intends",
        "a swarm host whose routing-mesh port is dropped on one host address",
        "lab-host masqueraded via eth0 only, whose timestamp replies die",
        "lab-host whose masqueraded replies die for one address the host may have",
        "lab-host with no route back to some clients of its published port",
        "lab-host with a native nft table's drop",
    };

    [Theory]
    [MemberData(nameof(Audits))]
    public void The_json_output_conforms_to_the_documented_schema(string audit)
    {
        var run = Run(audit);

        Assert.True(run.ExitCode is 0 or 1, run.ToString());
        var errors = Checker.Validate(JsonDocument.Parse(run.Out).RootElement);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public void A_flow_that_holds_for_some_source_ports_names_them_and_one_for_any_does_not()
    {
        var flows = JsonDocument.Parse(Run("lab-host whose replies die for one source port").Out).RootElement.GetProperty("containers_reachability")
            .EnumerateArray().SelectMany(e => e.GetProperty("flows").EnumerateArray()).ToList();

        Assert.Contains(flows, f => f.TryGetProperty("source_ports", out var p) && p.GetString() == "20990" && f.GetProperty("kind").GetString() == "one-way");
        Assert.Contains(flows, f => !f.TryGetProperty("source_ports", out _) && f.GetProperty("kind").GetString() == "connection");
    }

    [Fact]
    public void A_network_flow_that_holds_for_some_sources_names_them_and_one_for_every_source_does_not()
    {
        var pairs = JsonDocument.Parse(Run("lab-host whose replies die for half of a network's sources").Out).RootElement
            .GetProperty("reachability").GetProperty("pairs").EnumerateArray().ToList();
        var flows = Assert.Single(pairs, p => p.GetProperty("from").GetString() == "frontend" && p.GetProperty("to").GetString() == "backend")
            .GetProperty("flows").EnumerateArray().ToList();

        // The replies to 172.30.1.0/25 die: only those sources' flows are one-way (oracle F34).
        Assert.All(flows, f => Assert.Equal(f.GetProperty("kind").GetString() == "one-way" ? "any but 172.30.1.128/25" : "172.30.1.128/25", f.GetProperty("sources").GetString()));
        Assert.Contains(flows, f => f.GetProperty("kind").GetString() == "one-way");
        Assert.Contains(flows, f => f.GetProperty("kind").GetString() == "connection");
        Assert.DoesNotContain(pairs.Where(p => p.GetProperty("from").GetString() != "frontend").SelectMany(p => p.GetProperty("flows").EnumerateArray()), f => f.TryGetProperty("sources", out _));
    }

    [Fact]
    public void A_flow_names_its_icmp_types_and_the_interfaces_it_leaves_by_only_where_they_differ()
    {
        var report = JsonDocument.Parse(Run("lab-host masqueraded via eth0 only, whose timestamp replies die").Out).RootElement;
        var frontend = Assert.Single(report.GetProperty("networks").EnumerateArray(), n => n.GetProperty("name").GetString() == "frontend").GetProperty("masquerade");
        var pair = Assert.Single(report.GetProperty("reachability").GetProperty("pairs").EnumerateArray(),
            p => p.GetProperty("from").GetString() == "frontend" && p.GetProperty("to").GetString() == "backend");
        string Words(JsonElement f) => $"{f.GetProperty("protocol").GetString()} {(f.TryGetProperty("icmp_types", out var t) ? t.GetString() : "-")} {(f.TryGetProperty("via", out var v) ? v.GetString() : "-")} {f.GetProperty("kind").GetString()}";

        Assert.Equal("partial", frontend.GetProperty("effective").GetString());
        Assert.Equal(["all - eth0 connection"], frontend.GetProperty("flows").EnumerateArray().Select(Words));
        // Only timestamp (13) is one-way; echo, information and address mask requests are connections.
        var flows = pair.GetProperty("flows").EnumerateArray().Select(Words).ToList();
        Assert.Equal(["icmp 13 - one-way"], flows.Where(f => !f.EndsWith(" connection", StringComparison.Ordinal)));
        Assert.Contains("icmp 8,15,17 - connection", flows);
        Assert.DoesNotContain(report.GetProperty("reachability").GetProperty("pairs").EnumerateArray().SelectMany(p => p.GetProperty("flows").EnumerateArray()), f => f.TryGetProperty("via", out _));
    }

    [Fact]
    public void A_routing_mesh_port_dropped_on_one_host_address_says_where_it_gets_in()
    {
        var port = Assert.Single(JsonDocument.Parse(Run("a swarm host whose routing-mesh port is dropped on one host address").Out).RootElement
            .GetProperty("overlay").GetProperty("ingress_ports").EnumerateArray());

        Assert.Equal("partial", port.GetProperty("verdict").GetString());
        Assert.Equal("any address of the host but 203.0.113.5", port.GetProperty("reached_on").GetString());
        Assert.Equal(JsonValueKind.Null, port.GetProperty("reached_from").ValueKind);
        Assert.False(port.TryGetProperty("kept_out", out _));
    }

    [Fact]
    public void Masqueraded_replies_that_die_for_one_address_masquerade_may_give_are_uncertain_not_dropped()
    {
        var report = JsonDocument.Parse(Run("lab-host whose masqueraded replies die for one address the host may have").Out).RootElement;
        var frontend = Assert.Single(report.GetProperty("networks").EnumerateArray(), n => n.GetProperty("name").GetString() == "frontend").GetProperty("masquerade");

        // Without the host's routes MASQUERADE may give any address it has: the replies to 203.0.113.5 dying is a maybe.
        Assert.True(frontend.GetProperty("effective").GetBoolean());
        Assert.False(frontend.TryGetProperty("replies_dropped", out _));
        Assert.Equal("tcp/443: for 203.0.113.5 but not the host's other addresses; which one MASQUERADE gives is not known without the host's routes (--routes)",
            frontend.GetProperty("replies_uncertain").GetString());
        Assert.DoesNotContain(report.GetProperty("findings").EnumerateArray(), f => f.GetProperty("code").GetString() == "DFW406");
    }

    [Theory]
    [MemberData(nameof(Corpus.DockerIptablesDumps), MemberType = typeof(Corpus))]
    public void The_json_output_of_every_Docker_corpus_dump_conforms_to_the_documented_schema(string dump)
    {
        var run = LabHost.Run(["audit", "--iptables", Corpus.PathOf("docker", dump), "--format", "json"]);

        Assert.True(run.ExitCode is 0 or 1, run.ToString());
        var errors = Checker.Validate(JsonDocument.Parse(run.Out).RootElement);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Theory]
    [InlineData("findings", "$.findings[0]")]
    [InlineData("reachability", "$.reachability.pairs[0]")]
    [InlineData("unlisted", "$.reachability.unlisted")]
    public void The_checker_rejects_output_that_breaks_the_contract(string part, string where)
    {
        var document = JsonNode.Parse(Run("lab-host with Docker's JSON").Out)!.AsObject();
        if (part == "findings") document["findings"]!.AsArray()[0]!.AsObject().Remove("code");
        // A listed pair is never denied: denied pairs are the unlisted ones.
        else if (part == "reachability") document["reachability"]!["pairs"]!.AsArray().Add(JsonNode.Parse("""{"from":"backend","to":"frontend","verdict":"denied","flows":[]}"""));
        else document["reachability"]!["unlisted"] = "allowed";

        var errors = Checker.Validate(JsonDocument.Parse(document.ToJsonString()).RootElement);

        Assert.Single(errors);
        Assert.StartsWith(where, errors[0]);
    }

    [Fact]
    public void The_schema_names_every_check_and_severity_the_audit_can_report()
    {
        var checks = Schema.GetProperty("$defs").GetProperty("finding").GetProperty("properties").GetProperty("check").GetProperty("enum")
            .EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal);
        var severities = Schema.GetProperty("$defs").GetProperty("severity").GetProperty("enum")
            .EnumerateArray().Select(e => e.GetString()!);

        Assert.Equal(FindingCodes.All.Select(c => c.Check).Distinct().Order(StringComparer.Ordinal), checks);
        Assert.Equal(Enum.GetNames<FindingSeverity>().Select(n => n.ToLowerInvariant()), severities);
    }

    [Fact]
    public void A_published_ports_replies_with_no_route_back_have_the_routes_as_evidence_and_an_nft_rule_names_its_table_and_file()
    {
        var findings = JsonDocument.Parse(Run("lab-host with no route back to some clients of its published port").Out).RootElement.GetProperty("findings").EnumerateArray();
        var unrouted = Assert.Single(findings, f => f.GetProperty("message").GetString()!.StartsWith("published port tcp/8080 on 0.0.0.0 ", StringComparison.Ordinal)
            && f.GetProperty("message").GetString()!.Contains("no route back", StringComparison.Ordinal));
        static string Words(JsonElement e) => string.Join(" ", e.EnumerateObject().Where(p => p.Name != "route").Select(p => $"{p.Name}={p.Value}"))
            + " | " + string.Join(" ", e.GetProperty("route").EnumerateObject().Select(p => $"{p.Name}={p.Value}"));

        // The blackhole as ip route lists it, then every address no table has a route to (no default route).
        const string None = "0.0.0.0-127.0.0.0,127.0.0.2-172.16.255.255,172.18.0.0-172.30.0.255,172.30.3.0-198.51.99.255,198.51.101.0-203.0.112.255,203.0.114.0-255.255.255.255";
        Assert.Equal(
            [
                "kind=route table= chain= rule= line= text=unroutable 198.51.100.0/24 table main role=routes nothing there: the port's replies to clients there are never sent file= "
                    + "| destination=198.51.100.0/24 type=unroutable device= gateway= table=main",
                $"kind=route table= chain= rule= line= text=no route to {None} role=routes nothing there: the port's replies to clients there are never sent file= "
                    + $"| destination={None} type=none device= gateway= table=",
            ],
            unrouted.GetProperty("evidence").EnumerateArray().Select(Words));

        // A native table's rule: its family and name, its line and file the nft listing's.
        var nft = JsonDocument.Parse(Run("lab-host with a native nft table's drop").Out).RootElement.GetProperty("findings").EnumerateArray()
            .SelectMany(f => f.GetProperty("evidence").EnumerateArray()).Where(e => e.GetProperty("table").GetString() == "inet guard").ToList();
        Assert.NotEmpty(nft);
        Assert.All(nft, e => Assert.EndsWith("nft.json", e.GetProperty("file").GetString(), StringComparison.Ordinal));
    }

    private static Support.CliRun Run(string audit) => audit switch
    {
        "lab-host with Docker's JSON" => LabHost.Audit("--format", "json"),
        "lab-host with the container matrix" => LabHost.Audit("--containers", "--format", "json"),
        // frontend -> backend opened, and the replies to the lower half of frontend's subnet dropped (sources).
        "lab-host whose replies die for half of a network's sources" => LabHost.Run(
            ["audit", "--iptables", "-", "--docker", LabHost.PathOf("docker-networks.json"), "--docker", LabHost.PathOf("docker-containers.json"),
             "--format", "json", "--sysctl", "net.bridge.bridge-nf-call-iptables=1"],
            stdin: File.ReadAllText(LabHost.PathOf("iptables-save")).Replace(
                "-A DOCKER-USER -j RETURN\n", """
                    -A DOCKER-USER -i br-e727bbbf1ba4 -o br-9c93ba76092b -j ACCEPT
                    -A DOCKER-USER -i br-9c93ba76092b -o br-e727bbbf1ba4 -d 172.30.1.0/25 -j DROP
                    -A DOCKER-USER -i br-9c93ba76092b -o br-e727bbbf1ba4 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
                    -A DOCKER-USER -j RETURN

                    """)),
        // frontend masqueraded via eth0 alone (by hand, for Docker's ! -o br-...), and frontend -> backend opened
        // with the timestamp replies (14) dropped: the flows name the interface and the ICMP types.
        "lab-host masqueraded via eth0 only, whose timestamp replies die" => LabHost.Run(
            ["audit", "--iptables", "-", "--docker", LabHost.PathOf("docker-networks.json"), "--docker", LabHost.PathOf("docker-containers.json"),
             "--format", "json", "--sysctl", "net.bridge.bridge-nf-call-iptables=1"],
            stdin: File.ReadAllText(LabHost.PathOf("iptables-save"))
                .Replace("-A POSTROUTING -s 172.30.1.0/24 ! -o br-e727bbbf1ba4 -j MASQUERADE", "-A POSTROUTING -s 172.30.1.0/24 -o eth0 -j MASQUERADE")
                .Replace("-A DOCKER-USER -j RETURN\n", """
                    -A DOCKER-USER -i br-e727bbbf1ba4 -o br-9c93ba76092b -j ACCEPT
                    -A DOCKER-USER -i br-9c93ba76092b -o br-e727bbbf1ba4 -p icmp -m icmp --icmp-type 14 -j DROP
                    -A DOCKER-USER -i br-9c93ba76092b -o br-e727bbbf1ba4 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
                    -A DOCKER-USER -j RETURN

                    """)),
        // A raw PREROUTING drop of one address of the host: masqueraded replies arrive to it before conntrack undoes the NAT.
        "lab-host whose masqueraded replies die for one address the host may have" => LabHost.Run(
            ["audit", "--iptables", "-", "--docker", LabHost.PathOf("docker-networks.json"), "--docker", LabHost.PathOf("docker-containers.json"),
             "--format", "json", "--sysctl", "net.bridge.bridge-nf-call-iptables=1"],
            stdin: File.ReadAllText(LabHost.PathOf("iptables-save"))
                + "*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A PREROUTING -d 203.0.113.5/32 -p tcp -m tcp --sport 443 -j DROP\nCOMMIT\n"),
        "lab-host against a policy it does not run" => LabHost.Audit("--policy", Path.Combine(Corpus.RepoRoot, "rules", "icc-off-backend.policy"), "--format", "json"),
        "lab-host inferred from its rules" => LabHost.Run(["audit", "--iptables", LabHost.PathOf("iptables-save"), "--format", "json"]),
        "lab-host with an icc hole and sysctls" => LabHost.Run(
            ["audit", "--iptables", "-", "--docker", LabHost.PathOf("docker-networks.json"), "--format", "json",
             "--sysctl", "net.bridge.bridge-nf-call-iptables=1", "--sysctl", "net.ipv4.ip_forward=0"],
            stdin: File.ReadAllText(LabHost.PathOf("iptables-save")).Replace(
                "-A FORWARD -j DOCKER-USER\n", "-A FORWARD -i br-9c93ba76092b -o br-9c93ba76092b -j ACCEPT\n-A FORWARD -j DOCKER-USER\n")),
        // A DOCKER-USER drop of one tcp port: flows from that source port lose their replies (source_ports).
        "lab-host whose replies die for one source port" => LabHost.Run(
            ["audit", "--iptables", "-", "--docker", LabHost.PathOf("docker-networks.json"), "--docker", LabHost.PathOf("docker-containers.json"),
             "--containers", "--format", "json", "--sysctl", "net.bridge.bridge-nf-call-iptables=1"],
            stdin: File.ReadAllText(LabHost.PathOf("iptables-save")).Replace(
                "-A DOCKER-USER -j RETURN\n", "-A DOCKER-USER -p tcp -m tcp --dport 20990 -j DROP\n-A DOCKER-USER -j RETURN\n")),
        "lab-host after the plan of a policy, with what it intends" => LabHost.Run(
            ["audit", "--iptables", "-", "--docker", LabHost.PathOf("docker-networks.json"), "--docker", LabHost.PathOf("docker-containers.json"),
             "--policy", Path.Combine(Corpus.RepoRoot, "rules", "isolated-networks.policy"), "--format", "json"],
            stdin: AuditPolicyTests.PlannedRules(Path.Combine(Corpus.RepoRoot, "rules", "isolated-networks.policy"))),
        // Docker 28.5's swarm rules (a service on 8080 through the routing mesh), DOCKER-USER dropping it on one host address.
        "a swarm host whose routing-mesh port is dropped on one host address" => LabHost.Run(
            ["audit", "--iptables", "-", "--format", "json"],
            stdin: File.ReadAllText(Corpus.PathOf("docker", "moby28.5-swarm-portmap.iptables-save")).Replace(
                "-A FORWARD -j DOCKER-USER\n", "-A FORWARD -j DOCKER-USER\n-A DOCKER-USER -p tcp -m conntrack --ctstate NEW --ctorigdst 203.0.113.5 --ctorigdstport 8080 -j DROP\n")),
        // --routes without a default route and with a blackhole: web's replies to most clients are never sent (replies_unrouted).
        "lab-host with no route back to some clients of its published port" => WithFile("ip-route.json", """
            [{"dst":"203.0.113.0/24","dev":"eth0","protocol":"kernel","scope":"link","prefsrc":"203.0.113.5","flags":[]},
             {"type":"blackhole","dst":"198.51.100.0/24","flags":[]},
             {"type":"local","dst":"203.0.113.5","dev":"eth0","table":"local","protocol":"kernel","scope":"host","prefsrc":"203.0.113.5","flags":[]},
             {"type":"local","dst":"127.0.0.1","dev":"lo","table":"local","protocol":"kernel","scope":"host","prefsrc":"127.0.0.1","flags":[]},
             {"dst":"172.17.0.0/16","dev":"docker0","protocol":"kernel","scope":"link","prefsrc":"172.17.0.1","flags":["linkdown"]},
             {"dst":"172.30.1.0/24","dev":"br-e727bbbf1ba4","protocol":"kernel","scope":"link","prefsrc":"172.30.1.1","flags":[]},
             {"dst":"172.30.2.0/24","dev":"br-9c93ba76092b","protocol":"kernel","scope":"link","prefsrc":"172.30.2.1","flags":[]},
             {"type":"local","dst":"172.17.0.1","dev":"docker0","table":"local","protocol":"kernel","scope":"host","prefsrc":"172.17.0.1","flags":[]},
             {"type":"local","dst":"172.30.1.1","dev":"br-e727bbbf1ba4","table":"local","protocol":"kernel","scope":"host","prefsrc":"172.30.1.1","flags":[]},
             {"type":"local","dst":"172.30.2.1","dev":"br-9c93ba76092b","table":"local","protocol":"kernel","scope":"host","prefsrc":"172.30.2.1","flags":[]}]
            """, routes => LabHost.Audit("--routes", routes, "--format", "json", "--sysctl", "net.bridge.bridge-nf-call-iptables=1")),
        // A native table's drop of tcp/80 in on eth0: the published port's evidence names the table by family and name.
        "lab-host with a native nft table's drop" => WithFile("nft.json", """
            {"nftables": [{"table": {"family": "inet", "name": "guard", "handle": 1}},
             {"chain": {"family": "inet", "table": "guard", "name": "forward", "handle": 1, "type": "filter", "hook": "forward", "prio": 10, "policy": "accept"}},
             {"rule": {"family": "inet", "table": "guard", "chain": "forward", "handle": 2, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "eth0"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 80}}, {"drop": null}]}}]}
            """, nft => LabHost.Audit("--nft", nft, "--format", "json", "--sysctl", "net.bridge.bridge-nf-call-iptables=1")),
        _ => throw new ArgumentException(audit),
    };

    /// <summary>An audit given one more input file, written for it and removed after.</summary>
    private static Support.CliRun WithFile(string name, string text, Func<string, Support.CliRun> audit)
    {
        var folder = Directory.CreateTempSubdirectory("dfw-schema-").FullName;
        try
        {
            var file = Path.Combine(folder, name);
            File.WriteAllText(file, text);
            return audit(file);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
