using System.Text.Json;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests;

/// <summary>
/// `dockerfw capture` of the lab's real dockerd, then `--bundle`: the audit of the bundle is the live
/// audit, byte for byte (docs/capture.md).
/// </summary>
[Collection(DefaultLabCollection.Name)]
public sealed class CaptureLabTests : IDisposable
{
    private readonly DefaultLab lab;
    private readonly Traffic traffic;
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"dfw-capture-lab-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public CaptureLabTests(DefaultLab lab)
    {
        this.lab = lab;
        traffic = new Traffic(lab);
        if (LabDaemon.IsRoot) lab.Reset();
    }

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    private static (int Exit, string Out, string Error) Run(params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var exit = DockerFw.Cli.DockerFwApp.Run(args, new DockerFw.Cli.StandardStreams(new StringReader(""), output, error));
        return (exit, output.ToString(), error.ToString());
    }

    [LabFact]
    public void The_audit_of_a_capture_of_the_lab_is_its_live_audit_byte_for_byte()
    {
        lab.CreateNetwork("front", "--subnet", "172.31.70.0/24");
        lab.CreateNetwork("back", "--subnet", "172.31.71.0/24", "-o", "com.docker.network.bridge.enable_icc=false");
        traffic.EchoServer("web", ["--network", "front", "-p", "8080:80"], 80);
        traffic.EchoServer("db", ["--network", "back"], 5432);
        lab.MustDocker("network", "connect", "back", "web");

        var live = LabAudit.Of(lab, "--containers");
        var directory = Path.Combine(folder, "lab");
        var archive = Path.Combine(folder, "lab.tar.gz");
        foreach (var output in new[] { directory, archive })
        {
            var capture = Run("capture", "--netns", lab.Netns, "--docker-host", lab.DockerHost, output);
            Assert.True(capture.Exit == 0, capture.Error);
        }

        var fromDirectory = Run("audit", "--bundle", directory, "--format", "json", "--fail-on", "high", "--containers");
        var fromArchive = Run("audit", "--bundle", archive, "--format", "json", "--fail-on", "high", "--containers");

        // Something to compare: the lab's networks, its published port and Docker's view from the Engine.
        Assert.Equal("denied", live.Reach("front", "back"));
        Assert.Contains(live.PublishedPorts, p => p.GetProperty("host_port").GetInt32() == 8080);
        Assert.Contains(live.Root.GetProperty("inputs").EnumerateArray(), i => i.GetProperty("name").GetString() == $"docker-engine {lab.DockerHost}");
        Assert.Equal((live.ExitCode, live.Json, live.Error), (fromDirectory.Exit, fromDirectory.Out, fromDirectory.Error));
        Assert.Equal(fromDirectory, fromArchive);
    }

    [LabFact]
    public void A_capture_holds_the_links_the_swarm_state_and_the_docker_proxy_processes()
    {
        lab.CreateNetwork("pub", "--subnet", "172.31.72.0/24");
        traffic.EchoServer("web", ["--network", "pub", "-p", "8081:80"], 80);
        var directory = Path.Combine(folder, "lab");

        var capture = Run("capture", "--netns", lab.Netns, "--docker-host", lab.DockerHost, directory);

        Assert.True(capture.Exit == 0, capture.Error);
        using var info = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "docker", "info.json")));
        Assert.Equal("inactive", info.RootElement.GetProperty("Swarm").GetProperty("LocalNodeState").GetString());
        using var version = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "docker", "version.json")));
        Assert.False(string.IsNullOrEmpty(version.RootElement.GetProperty("Version").GetString()));
        using var links = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "ip-link.json")));
        var bridge = lab.BridgeOf("pub");
        Assert.Contains(links.RootElement.EnumerateArray(), l => l.GetProperty("ifname").GetString() == bridge
            && l.GetProperty("linkinfo").GetProperty("info_kind").GetString() == "bridge");
        Assert.Contains("docker-proxy", File.ReadAllText(Path.Combine(directory, "ss-listening.txt")));
        Assert.Contains("-host-port 8081", File.ReadAllText(Path.Combine(directory, "ps-proxies.txt")));
    }
}
