using System.Text.Json;
using System.Text.Json.Nodes;

namespace DockerFw.Cli.Tests.Audit;

/// <summary>
/// The sample host's real ip6tables capture, with backend given an IPv6 subnet as
/// <c>docker network create --ipv6</c> would: dockerd's ip6tables isolation rules already cover it.
/// </summary>
public sealed class AuditIpv6Tests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("dfw-audit6-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_real_ip6tables_capture_keeps_the_dual_stack_networks_isolated()
    {
        var run = Audit(File.ReadAllText(LabHost.PathOf("ip6tables-save")));

        Assert.True(run.ExitCode == 0, run.ToString());
        var six = MatrixVerdicts.Of(run.Out, "reachability_v6");
        Assert.Equal(2, six.Count);
        Assert.All(six, e => Assert.Equal("denied", e.Verdict));
    }

    [Fact]
    public void The_real_ip6tables_capture_publishes_web_s_port_over_IPv6_and_the_audit_judges_it_there()
    {
        var run = Audit(File.ReadAllText(LabHost.PathOf("ip6tables-save")));

        var report = JsonNode.Parse(run.Out)!;
        var port = Assert.Single(report["published_ports_v6"]!.AsArray())!;
        Assert.Equal(("::", 8080, "fd00:d0c:1::2", 80, "web", true),
            ((string?)port["host_ip"], (int?)port["host_port"], (string?)port["container_ip"], (int?)port["container_port"], (string?)port["container"], (bool?)port["filter_accepts"]));
        var finding = Assert.Single(report["findings"]!.AsArray(), f => (string?)f!["code"] == "DFW512" && ((string?)f["message"])!.StartsWith("over IPv6 (ip6tables), ", StringComparison.Ordinal))!;
        Assert.Contains(finding["evidence"]!.AsArray(), e => ((string?)e!["text"])!.Contains("--to-destination [fd00:d0c:1::2]:80", StringComparison.Ordinal));
        Assert.All(finding["evidence"]!.AsArray(), e => Assert.Equal(Path.Combine(_directory, "ip6tables-save"), (string?)e!["file"]));
    }

    [Fact]
    public void Without_Docker_s_JSON_the_IPv6_port_is_read_from_ip6tables_as_bound_to_every_IPv6_address()
    {
        var run = LabHost.Run(["audit", "--format", "json", "--iptables", LabHost.PathOf("iptables-save"), "--ip6tables", LabHost.PathOf("ip6tables-save")]);

        var report = JsonNode.Parse(run.Out)!;
        var port = Assert.Single(report["published_ports_v6"]!.AsArray())!;
        Assert.Equal(("::", "fd00:d0c:1::2"), ((string?)port["host_ip"], (string?)port["container_ip"]));
        Assert.Single(report["findings"]!.AsArray(), f => (string?)f!["code"] == "DFW512" && ((string?)f["message"])!.StartsWith("over IPv6 (ip6tables), port tcp/8080 on ::", StringComparison.Ordinal));
    }

    [Fact]
    public void A_port_ip6tables_no_longer_forwards_is_dead_over_IPv6_while_IPv4_still_serves_it()
    {
        // Docker's IPv6 ACCEPT for web's port removed: the DNAT still sends [::]:8080 to a FORWARD that drops it.
        var dump = File.ReadAllText(LabHost.PathOf("ip6tables-save")).Replace(
            "-A DOCKER -d fd00:d0c:1::2/128 ! -i br-e727bbbf1ba4 -o br-e727bbbf1ba4 -p tcp -m tcp --dport 80 -j ACCEPT\n", "");

        var report = JsonNode.Parse(Audit(dump).Out)!;

        Assert.False((bool?)Assert.Single(report["published_ports_v6"]!.AsArray())!["filter_accepts"]);
        Assert.All(report["published_ports"]!.AsArray(), p => Assert.True((bool?)p!["filter_accepts"]));
        var dead = Assert.Single(report["findings"]!.AsArray(), f => (string?)f!["code"] == "DFW511")!;
        Assert.StartsWith("over IPv6 (ip6tables), published port tcp/8080 on :: (to [fd00:d0c:1::2]:80)", (string?)dead["message"]);
    }

    [Fact]
    public void Isolation_broken_only_in_ip6tables_fails_the_audit_with_a_finding_pointing_into_the_ip6tables_dump()
    {
        var dump = File.ReadAllText(LabHost.PathOf("ip6tables-save")).Replace(
            "-A FORWARD -j DOCKER-ISOLATION-STAGE-1\n",
            "-A FORWARD -i br-e727bbbf1ba4 -o br-9c93ba76092b -j ACCEPT\n"
            + "-A FORWARD -i br-9c93ba76092b -o br-e727bbbf1ba4 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n"
            + "-A FORWARD -j DOCKER-ISOLATION-STAGE-1\n");

        var run = Audit(dump);

        Assert.True(run.ExitCode == 1, run.ToString());
        var report = JsonNode.Parse(run.Out)!;
        Assert.All(MatrixVerdicts.Of(run.Out, "reachability"), e => Assert.Equal("denied", e.Verdict));
        var finding = Assert.Single(report["findings"]!.AsArray(), f => (string?)f!["code"] == "DFW201")!;
        Assert.StartsWith("over IPv6 (ip6tables), containers of frontend", (string?)finding["message"]);
        var evidence = Assert.Single(finding["evidence"]!.AsArray())!;
        Assert.Equal(Path.Combine(_directory, "ip6tables-save"), (string?)evidence["file"]);
        // Line 9: the inserted ACCEPT, the first rule of FORWARD after the header and chain lines.
        Assert.Equal(9, (int?)evidence["line"]);
    }

    private Support.CliRun Audit(string ip6tables)
    {
        var networks = JsonNode.Parse(File.ReadAllText(LabHost.PathOf("docker-networks.json")))!.AsArray();
        var backend = networks.Single(n => (string?)n!["Name"] == "backend")!;
        backend["EnableIPv6"] = true;
        backend["IPAM"]!["Config"]!.AsArray().Add(new JsonObject { ["Subnet"] = "fd00:d0c:2::/64" });
        File.WriteAllText(Path.Combine(_directory, "docker-networks.json"), networks.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.WriteAllText(Path.Combine(_directory, "ip6tables-save"), ip6tables);
        return LabHost.Run(
        [
            "audit", "--format", "json",
            "--iptables", LabHost.PathOf("iptables-save"),
            "--ip6tables", Path.Combine(_directory, "ip6tables-save"),
            "--docker", Path.Combine(_directory, "docker-networks.json"),
            "--docker", LabHost.PathOf("docker-containers.json"),
        ]);
    }
}
