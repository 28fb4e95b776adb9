using System.Text.Json;
using DockerFw.Tests;

namespace DockerFw.Cli.Tests.Audit;

/// <summary>
/// overlay.ingress_ports[].reached_via (schema v2, oracle F41) as `audit --format json` prints it: a
/// routing-mesh port whose connections in on one interface are all kept out names the interfaces
/// the others get in on, and the report still conforms to docs/audit.schema.json. Likewise
/// overlay.ingress_ports[].replies_dropped (schema v2): the ingress sandbox's replies a rule drops.
/// </summary>
public sealed class IngressJsonTests
{
    private static readonly JsonSchemaCheck Checker = new(
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Corpus.RepoRoot, "docs", "audit.schema.json"))).RootElement);

    [Fact]
    public void A_mesh_port_dropped_in_on_the_uplink_is_reached_via_every_other_interface_and_conforms_to_the_schema()
    {
        // moby 28.5's swarm host, its DOCKER-USER dropping the service port's connections in on eth0.
        var (report, port) = AuditedWith("-A DOCKER-USER -i eth0 -p tcp -m tcp --dport 8080 -j DROP");

        Assert.Equal(("partial", "any interface but eth0"), (port.GetProperty("verdict").GetString(), port.GetProperty("reached_via").GetString()));
        Conforms(report);
    }

    [Fact]
    public void A_mesh_port_whose_replies_docker_user_drops_is_open_with_every_reply_dropped_and_conforms_to_the_schema()
    {
        // The same host, its DOCKER-USER dropping what comes back from docker_gwbridge (the sandbox's replies).
        var (report, port) = AuditedWith("-A DOCKER-USER -i docker_gwbridge -m conntrack --ctstate ESTABLISHED -j DROP");

        Assert.Equal(("open", "all"), (port.GetProperty("verdict").GetString(), port.GetProperty("replies_dropped").GetString()));
        Assert.Contains(report.GetProperty("findings").EnumerateArray(), f => f.GetProperty("code").GetString() == "DFW253"
            && f.GetProperty("message").GetString()!.Contains("drops every reply from the sandbox", StringComparison.Ordinal));
        Conforms(report);
    }

    /// <summary>moby 28.5's swarm host audited with <paramref name="rule"/> first in DOCKER-USER: the report and its one mesh port.</summary>
    private static (JsonElement Report, JsonElement Port) AuditedWith(string rule)
    {
        var run = LabHost.Run(["audit", "--iptables", "-", "--format", "json"],
            stdin: File.ReadAllText(Corpus.PathOf("docker", "moby28.5-swarm-portmap.iptables-save")).Replace(
                "-A FORWARD -j DOCKER-USER\n", $"-A FORWARD -j DOCKER-USER\n{rule}\n"));
        Assert.True(run.ExitCode is 0 or 1, run.ToString());
        var report = JsonDocument.Parse(run.Out).RootElement;
        return (report, Assert.Single(report.GetProperty("overlay").GetProperty("ingress_ports").EnumerateArray()));
    }

    private static void Conforms(JsonElement report)
    {
        var errors = Checker.Validate(report);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }
}
