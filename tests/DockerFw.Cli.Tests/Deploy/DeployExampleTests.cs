using System.Text.Json;
using DockerFw.Cli.Tests.Support;
using DockerFw.Tests;

namespace DockerFw.Cli.Tests.Deploy;

/// <summary>
/// The scale-out examples of deploy/ (docs/fleet.md, "Scale out") checked as far as this machine
/// can: the systemd units by systemd's own verifier, the Kubernetes manifest parsed as YAML and held
/// to what capture needs on a node, the Ansible playbook by ansible-playbook's syntax check (the lab
/// runs it for real: FleetAnsibleLabTests).
/// </summary>
public sealed class DeployExampleTests
{
    private static readonly string Deploy = Path.Combine(Corpus.RepoRoot, "deploy");

    [NeedsProgramFact("systemd-analyze", "systemd")]
    public void The_systemd_capture_service_and_timer_pass_systemd_analyze_verify()
    {
        var units = Directory.GetFiles(Path.Combine(Deploy, "systemd")).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["dockerfw-capture.service", "dockerfw-capture.timer"], units.Select(Path.GetFileName));

        var (exit, output) = Run("systemd-analyze", ["verify", .. units]);

        Assert.True(exit == 0 && output.Length == 0, output);
        var service = File.ReadAllText(units[0]);
        Assert.Contains("/usr/bin/dockerfw capture \"$STATE_DIRECTORY/next/%H.tar.gz\"", service, StringComparison.Ordinal);
        Assert.Contains("mv -f \"$STATE_DIRECTORY/next/%H.tar.gz\" \"$STATE_DIRECTORY/bundles/%H.tar.gz\"", service, StringComparison.Ordinal);
    }

    [NeedsProgramFact("python3", "python3-yaml (ansible brings it)", "import yaml")]
    public void The_kubernetes_daemonset_gives_capture_the_node_and_writes_bundles_to_a_host_path()
    {
        var documents = Yaml(Path.Combine(Deploy, "kubernetes", "dockerfw-capture.yaml"));

        var daemonSet = Assert.Single(documents.EnumerateArray());
        Assert.Equal(("apps/v1", "DaemonSet"), (daemonSet.GetProperty("apiVersion").GetString(), daemonSet.GetProperty("kind").GetString()));
        var pod = daemonSet.GetProperty("spec").GetProperty("template").GetProperty("spec");
        Assert.True(pod.GetProperty("hostNetwork").GetBoolean());
        Assert.True(pod.GetProperty("hostPID").GetBoolean());
        var container = Assert.Single(pod.GetProperty("containers").EnumerateArray());
        var capabilities = container.GetProperty("securityContext").GetProperty("capabilities");
        Assert.Contains("NET_ADMIN", capabilities.GetProperty("add").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(["ALL"], capabilities.GetProperty("drop").EnumerateArray().Select(c => c.GetString()));

        var volumes = pod.GetProperty("volumes").EnumerateArray().ToDictionary(v => v.GetProperty("name").GetString()!);
        var mounts = container.GetProperty("volumeMounts").EnumerateArray().ToDictionary(m => m.GetProperty("mountPath").GetString()!);
        var socket = mounts["/var/run/docker.sock"];
        Assert.True(socket.GetProperty("readOnly").GetBoolean());
        Assert.Equal(("/var/run/docker.sock", "Socket"), HostPath(volumes[socket.GetProperty("name").GetString()!]));
        var bundles = mounts.Single(m => volumes[m.Value.GetProperty("name").GetString()!].TryGetProperty("hostPath", out var h)
            && h.GetProperty("path").GetString() == "/var/lib/dockerfw/bundles");
        Assert.False(bundles.Value.TryGetProperty("readOnly", out var ro) && ro.GetBoolean());

        // No shell in the image (FROM scratch): no command, so the image's entrypoint, dockerfw, runs the args.
        Assert.False(container.TryGetProperty("command", out _));
        Assert.Contains("ENTRYPOINT [\"/usr/lib/dockerfw/dockerfw\"]", File.ReadAllText(Path.Combine(Corpus.RepoRoot, "packaging", "image", "Dockerfile")), StringComparison.Ordinal);
        var args = container.GetProperty("args").EnumerateArray().Select(a => a.GetString()!).ToArray();
        Assert.Equal(["capture", "--every", "1h", $"{bundles.Key}/$(NODE_NAME).tar.gz"], args);
        Assert.Contains(container.GetProperty("env").EnumerateArray(), e => e.GetProperty("name").GetString() == "NODE_NAME"
            && e.GetProperty("valueFrom").GetProperty("fieldRef").GetProperty("fieldPath").GetString() == "spec.nodeName");

        // The args as the kubelet hands them over ($(NODE_NAME) put in), on a scripted node, the mount
        // a directory here, one round: the bundle lands whole at the node's name, nothing left beside it.
        var node = Directory.CreateTempSubdirectory("dfw-daemonset-").FullName;
        try
        {
            var given = args.Select(a => a.Replace("$(NODE_NAME)", "node-1", StringComparison.Ordinal).Replace(bundles.Key, node, StringComparison.Ordinal)).ToArray();
            var host = new Capture.SampleHost();
            var run = Dockerfw.Run([.. given, "--rounds", "1"], stdin: "", host.Register);

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Equal(["node-1.tar.gz"], Directory.GetFiles(node).Select(Path.GetFileName));
            Assert.Empty(Directory.GetFiles(Path.Combine(node, ".next")));
            Assert.Equal(0, Dockerfw.Run("snapshot", "--bundle", Path.Combine(node, "node-1.tar.gz")).ExitCode);
        }
        finally
        {
            Directory.Delete(node, recursive: true);
        }
    }

    [NeedsProgramFact("ansible-playbook", "ansible")]
    public void The_ansible_playbook_passes_ansible_playbook_syntax_check()
    {
        var ansible = Path.Combine(Deploy, "ansible");

        var (exit, output) = Run("ansible-playbook", ["--syntax-check", "-i", Path.Combine(ansible, "inventory.example.yml"), Path.Combine(ansible, "fleet.yml")]);

        Assert.True(exit == 0, output);
    }

    private static (string, string) HostPath(JsonElement volume)
    {
        var path = volume.GetProperty("hostPath");
        return (path.GetProperty("path").GetString()!, path.GetProperty("type").GetString()!);
    }

    /// <summary>Every document of a YAML file, as a JSON array (PyYAML's safe loader: no tags, no code).</summary>
    private static JsonElement Yaml(string file)
    {
        var (exit, output) = Run("python3", ["-c", "import json, sys, yaml; print(json.dumps(list(yaml.safe_load_all(open(sys.argv[1])))))", file]);
        Assert.True(exit == 0, output);
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    // UTF-8: the YAML files are read as text by python3.
    private static (int Exit, string Output) Run(string program, string[] arguments)
    {
        var run = Processes.Run(program, arguments, TimeSpan.FromMinutes(2), environment: new Dictionary<string, string> { ["LC_ALL"] = "C.UTF-8" });
        return (run.ExitCode, run.Out + run.Error);
    }
}
