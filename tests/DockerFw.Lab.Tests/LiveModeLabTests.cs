using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests;

/// <summary>Live mode against the real daemon: what it reads inside the namespace, and how it degrades.</summary>
[Collection(DefaultLabCollection.Name)]
public sealed class LiveModeLabTests
{
    private readonly DefaultLab lab;

    public LiveModeLabTests(DefaultLab lab)
    {
        this.lab = lab;
        if (LabDaemon.IsRoot) lab.Reset();
    }

    [LabFact]
    public void Live_mode_reads_the_rules_the_engine_and_the_namespaces_own_kernel_settings()
    {
        lab.CreateNetwork("alpha", "--subnet", "172.31.10.0/24");
        var bridge = lab.BridgeOf("alpha");

        var audit = LabAudit.Of(lab);

        Assert.Equal(
            [$"iptables-save@{lab.Netns}", $"ip6tables-save@{lab.Netns}", $"docker-engine {lab.DockerHost}"],
            audit.Root.GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("name").GetString()));
        var sysctls = audit.Root.GetProperty("sysctls");
        Assert.Equal("1", sysctls.GetProperty("net.ipv4.ip_forward").GetString());
        Assert.Equal("1", sysctls.GetProperty("net.bridge.bridge-nf-call-iptables").GetString());
        Assert.Equal("0", sysctls.GetProperty($"bridge.{bridge}.nf_call_iptables").GetString());
        Assert.Equal("0", sysctls.GetProperty("bridge.docker0.nf_call_iptables").GetString());
        // Nothing missing: the one notice an iptables-nft host gets says its tables were read through iptables-save.
        Assert.All(audit.Root.GetProperty("notices").EnumerateArray(), n => Assert.StartsWith("iptables-nft manages table ip", n.GetString()));
    }

    [LabFact]
    public void An_engine_of_another_namespace_is_not_taken_for_this_ones()
    {
        var output = new StringWriter();
        var exit = DockerFw.Cli.DockerFwApp.Run(
            ["audit", "--netns", lab.Outside, "--docker-host", lab.DockerHost, "--format", "json"],
            new DockerFw.Cli.StandardStreams(new StringReader(""), output, new StringWriter()));

        Assert.Equal(0, exit);
        Assert.Contains("none of which is on this host: it belongs to another network namespace; auditing the ruleset alone", output.ToString());
        Assert.Contains("\"inferred\": true", output.ToString());
    }
}
