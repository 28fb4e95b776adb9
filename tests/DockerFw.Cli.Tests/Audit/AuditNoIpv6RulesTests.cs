using System.Text.Json;
using System.Text.Json.Nodes;
using DockerFw.Cli.Tests.Support;

namespace DockerFw.Cli.Tests.Audit;

/// <summary>
/// Docker 20.10 with its default <c>ip6tables: false</c> (oracle F8): dual-stack networks, and
/// ip6tables-save prints nothing. The kernel forwards their IPv6 traffic unfiltered, so the audit judges
/// IPv6 on the (empty) rules there are: the networks reach each other, icc=false is not enforced, and
/// DFW630 says why.
/// </summary>
public sealed class AuditNoIpv6RulesTests : IDisposable
{
    // The sample host's backend network (icc=false) made dual-stack beside frontend.
    private readonly string _networks = Path.GetTempFileName();

    public AuditNoIpv6RulesTests()
    {
        var networks = JsonNode.Parse(File.ReadAllText(LabHost.PathOf("docker-networks.json")))!.AsArray();
        var backend = networks.Single(n => n!["Name"]!.GetValue<string>() == "backend")!;
        backend["EnableIPv6"] = true;
        backend["IPAM"]!["Config"]!.AsArray().Add(new JsonObject { ["Subnet"] = "fd00:d0c:2::/64", ["Gateway"] = "fd00:d0c:2::1" });
        File.WriteAllText(_networks, networks.ToJsonString());
    }

    public void Dispose() => File.Delete(_networks);

    private JsonElement Audit(params string[] more)
    {
        var run = LabHost.Run(["audit", "--iptables", LabHost.PathOf("iptables-save"), "--ip6tables", "-",
            "--docker", _networks, "--docker", LabHost.PathOf("docker-containers.json"), "--format", "json", .. more], stdin: "");
        Assert.True(run.ExitCode is 0 or 1, run.ToString());
        return JsonDocument.Parse(run.Out).RootElement.Clone();
    }

    private static IEnumerable<JsonElement> Findings(JsonElement audit, string code) =>
        audit.GetProperty("findings").EnumerateArray().Where(f => f.GetProperty("code").GetString() == code);

    [Fact]
    public void Empty_ip6tables_with_dual_stack_networks_is_judged_open_and_said_why()
    {
        var audit = Audit();

        var v6 = audit.GetProperty("reachability_v6").GetProperty("pairs").EnumerateArray().ToList();
        Assert.Equal(2, v6.Count);
        Assert.All(v6, r => Assert.Equal("allowed", r.GetProperty("verdict").GetString()));
        Assert.Equal(2, Findings(audit, "DFW201").Count(f => f.GetProperty("message").GetString()!.Contains("IPv6", StringComparison.Ordinal)));
        var backend = audit.GetProperty("networks").EnumerateArray().Single(n => n.GetProperty("name").GetString() == "backend");
        Assert.True(backend.GetProperty("icc_v6").GetProperty("effective").GetBoolean());
        var why = Assert.Single(Findings(audit, "DFW630"));
        Assert.Contains("no ip6tables rules", why.GetProperty("message").GetString());
        Assert.Equal(["backend", "frontend"], why.GetProperty("networks").EnumerateArray().Select(n => n.GetString()).Order());
    }

    // Oracle seed 3: published_ports_v6 said filter_accepts true for web's [::] binding while an
    // outside IPv6 client got no answer: without Docker's IPv6 rules there is no IPv6 DNAT at all.
    [Fact]
    public void Without_Docker_IPv6_rules_no_IPv6_binding_is_forwarded_so_no_IPv6_port_is_claimed()
    {
        var audit = Audit();

        Assert.Empty(audit.GetProperty("published_ports_v6").EnumerateArray());
        Assert.NotEmpty(audit.GetProperty("published_ports").EnumerateArray());
    }

    [Fact]
    public void A_host_that_routes_no_IPv6_keeps_the_networks_apart_but_not_icc()
    {
        var audit = Audit("--sysctl", "net.ipv6.conf.all.forwarding=0", "--sysctl", "net.bridge.bridge-nf-call-ip6tables=1");

        var v6 = MatrixVerdicts.Of(audit.GetProperty("reachability_v6"));
        Assert.Equal(2, v6.Count);
        Assert.All(v6, r => Assert.Equal("denied", r.Verdict));
        var backend = audit.GetProperty("networks").EnumerateArray().Single(n => n.GetProperty("name").GetString() == "backend");
        Assert.True(backend.GetProperty("icc_v6").GetProperty("effective").GetBoolean());
        Assert.Contains("net.ipv6.conf.all.forwarding=0", Assert.Single(Findings(audit, "DFW630")).GetProperty("message").GetString());
    }
}
