using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Remediation;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Core.Text;

namespace DockerFw.Tests.Remediation;

/// <summary>
/// Legacy links in policies, over the corpus' Docker 20.10 host with icc=false, where web runs with
/// <c>--link db</c> and Docker opens db's exposed 5432 to web and the replies from it. A policy that does
/// not mention the default bridge keeps the link (it used to fail its proof at 1:1); one that mentions
/// the network says what happens to the link, and an error points at the block when it does not.
/// </summary>
public sealed class PolicyLinkTests
{
    private const string View = """
        [
          {"Name": "bridge", "Id": "n0", "Driver": "bridge",
           "IPAM": {"Config": [{"Subnet": "172.17.0.0/16", "Gateway": "172.17.0.1"}]},
           "Options": {"com.docker.network.bridge.name": "docker0", "com.docker.network.bridge.default_bridge": "true",
                       "com.docker.network.bridge.enable_icc": "ICC"}},
          {"Name": "/db", "Id": "c1", "State": {"Running": true}, "Config": {"ExposedPorts": {"5432/tcp": {}}},
           "HostConfig": {"NetworkMode": "bridge"},
           "NetworkSettings": {"Networks": {"bridge": {"NetworkID": "n0", "IPAddress": "172.17.0.2"}}}},
          {"Name": "/web", "Id": "c2", "State": {"Running": true}, "Config": {"ExposedPorts": {"80/tcp": {}}},
           "HostConfig": {"NetworkMode": "bridge", "Links": ["/db:/web/db"], "PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}},
           "NetworkSettings": {"Networks": {"bridge": {"NetworkID": "n0", "IPAddress": "172.17.0.3"}},
                               "Ports": {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}]}}}
        ]
        """;

    private static readonly string Dump = File.ReadAllText(Path.Combine(Corpus.SharedRoot, "corpus", "docker", "docker20.10-links-icc-false.iptables-save"));

    [Fact]
    public void A_policy_that_does_not_mention_the_default_bridge_keeps_its_link_and_proves()
    {
        var plan = Plan("publish web tcp/8080 from 10.0.0.0/8;");

        Assert.True(plan.Value is not null, string.Join("\n", plan.Diagnostics.Select(d => d.Render())));
    }

    [Fact]
    public void A_block_that_keeps_the_link_plans_nothing_for_it_where_Docker_already_runs_icc_off()
    {
        var plan = Plan("network bridge {\n  icc off;\n  link web -> db;\n}\n");

        Assert.True(plan.Value is not null, string.Join("\n", plan.Diagnostics.Select(d => d.Render())));
        Assert.Empty(plan.Value!.Rules);
    }

    [Fact]
    public void A_block_that_turns_icc_off_on_an_icc_on_bridge_accepts_the_kept_links_ports_before_its_drop()
    {
        var iccOn = Dump.Replace("-A FORWARD -i docker0 -o docker0 -j DROP", "-A FORWARD -i docker0 -o docker0 -j ACCEPT", StringComparison.Ordinal);

        var plan = Plan("network bridge {\n  icc off;\n  link web -> db;\n}\n", iccOn, icc: true);

        Assert.True(plan.Value is not null, string.Join("\n", plan.Diagnostics.Select(d => d.Render())));
        Assert.Equal(
        [
            "-A DOCKERFW-POLICY -s 172.17.0.3/32 -d 172.17.0.2/32 -i docker0 -o docker0 -p tcp -m tcp --dport 5432 -j ACCEPT",
            "-A DOCKERFW-POLICY -s 172.17.0.2/32 -d 172.17.0.3/32 -i docker0 -o docker0 -p tcp -m tcp --sport 5432 -j ACCEPT",
            "-A DOCKERFW-POLICY -i docker0 -o docker0 -j DROP",
        ], plan.Value!.Rules.AsEnumerable());
    }

    [Fact]
    public void A_block_that_leaves_out_a_link_Docker_opens_is_an_error_at_the_block()
    {
        var plan = Plan("docker-user default return;\nnetwork bridge {\n  icc off;\n}\n");

        Assert.Null(plan.Value);
        Assert.Equal(
            "p.policy:2:1: error: expected network 'bridge''s block to say what happens to Docker's legacy link 'web' -> 'db' (tcp/5432), but it does not: keep it with 'link web -> db;' in the block, or remove the link (re-create 'web' without --link); dockerfw does not plan against a link Docker keeps opening [DFW810]",
            Assert.Single(plan.Diagnostics).Render());
    }

    [Fact]
    public void A_link_Docker_does_not_declare_is_an_error_at_the_statement()
    {
        var plan = Plan("network bridge {\n  icc off;\n  link web -> db;\n  link db -> web;\n}\n");

        Assert.Null(plan.Value);
        Assert.Equal(
            "p.policy:4:3: error: expected a legacy link Docker declares on network 'bridge' (docker run --link), but 'db' has no link to 'web' [DFW809]",
            Assert.Single(plan.Diagnostics).Render());
    }

    private static ParseResult<PolicyPlan> Plan(string policy, string? dump = null, bool icc = false)
    {
        var view = DockerInspectReader.Read(View.Replace("ICC", icc ? "true" : "false", StringComparison.Ordinal), "view.json").Value!;
        var document = PolicyReader.Read(policy, "p.policy");
        Assert.True(document.Value is not null, string.Join("\n", document.Diagnostics.Select(d => d.Render())));
        var resolved = PolicyResolver.Resolve(document.Value!, view);
        if (resolved.Value is null) return new ParseResult<PolicyPlan>(null, resolved.Diagnostics);
        var rules = IptablesSaveReader.Read(dump ?? Dump, "iptables-save", IpFamily.V4).Value!;
        return PolicyPlanner.Plan(rules, resolved.Value);
    }
}
