using System.Text.Json;
using DockerFw.Cli.Tests.Support;

namespace DockerFw.Cli.Tests.Audit;

/// <summary>Live mode: the audit of rules loaded into a namespace equals the audit of the dump they came from.</summary>
public sealed class AuditLiveTests
{
    [RootFact]
    public void Auditing_the_lab_host_rules_live_in_a_namespace_reports_what_the_dump_reports()
    {
        using var netns = new TestNamespace();
        netns.Restore(File.ReadAllText(LabHost.PathOf("iptables-save")));
        // Live mode reads the namespace's routes: without a default route no reply to a client outside
        // would ever be sent (replies_unrouted), which the dump's audit, given no routes, cannot know.
        // A host's uplink with its default route makes them agree.
        netns.Exec("ip", "link", "add", "uplink0", "type", "veth", "peer", "name", "uplink1");
        netns.Exec("ip", "addr", "add", "198.18.0.2/24", "dev", "uplink0");
        netns.Exec("ip", "link", "set", "uplink1", "up");
        netns.Exec("ip", "link", "set", "uplink0", "up");
        netns.Exec("ip", "route", "add", "default", "via", "198.18.0.1");
        // Live mode reads the namespace's own sysctls (a fresh one has ip_forward=0); the dump is given the same ones.
        string[] docker = ["--docker", LabHost.PathOf("docker-networks.json"), "--docker", LabHost.PathOf("docker-containers.json"),
            "--sysctl", "net.ipv4.ip_forward=1", "--sysctl", "net.bridge.bridge-nf-call-iptables=1", "--sysctl", "net.ipv6.conf.all.forwarding=0"];

        var live = LabHost.Run(["audit", "--netns", netns.Name, .. docker, "--format", "json"]);
        // The namespace's ip6tables is empty, as on a host whose dockerd writes no IPv6 rule: the dump's audit reads the same.
        var dump = LabHost.Run(["audit", "--iptables", LabHost.PathOf("iptables-save"), "--ip6tables", "-", .. docker, "--format", "json"]);

        Assert.True(live.ExitCode == 0, live.ToString());
        var fromLive = JsonDocument.Parse(live.Out).RootElement;
        var fromDump = JsonDocument.Parse(dump.Out).RootElement;
        Assert.True(dump.ExitCode is 0 or 1, dump.ToString());
        Assert.Equal(["live", "live", "docker", "docker"], fromLive.GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("kind").GetString()));
        foreach (var part in new[] { "networks", "reachability", "published_ports", "links", "docker_user" })
            Assert.True(JsonElement.DeepEquals(fromDump.GetProperty(part), fromLive.GetProperty(part)), part);
        Assert.Equal(Codes(fromDump), Codes(fromLive));
    }

    private static IEnumerable<string?> Codes(JsonElement report) =>
        report.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("code").GetString());
}
