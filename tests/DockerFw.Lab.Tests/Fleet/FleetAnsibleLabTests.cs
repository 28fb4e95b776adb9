using System.Text.Json;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Fleet;

/// <summary>
/// deploy/ansible/fleet.yml run for real by Debian's ansible-playbook against the fleet lab's two
/// hosts. The playbook is the one users run over SSH; the lab's inventory changes only how Ansible
/// reaches a host (the local connection, already root) and tells capture which namespace and Engine
/// are the host (the per-host <c>dockerfw_capture_args</c> the playbook offers for a non-default
/// Engine). The fetched bundles must make the same fleet report as the lab's direct capture.
/// </summary>
public sealed class FleetAnsibleLabTests(FleetLab lab) : IClassFixture<FleetLab>, IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"dfw-fleet-ansible-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    [LabFact]
    public void The_playbook_captures_every_host_fetches_the_bundles_and_reports_what_a_direct_capture_reports()
    {
        Assert.True(Processes.Run("sh", ["-c", "command -v ansible-playbook"]).Ok, "ansible-playbook is missing: .ci/run installs Debian's ansible package");
        var fetched = Path.Combine(folder, "fetched");
        var remote = Directory.CreateDirectory(Path.Combine(folder, "remote")).FullName;
        var inventory = Path.Combine(folder, "inventory.yml");
        File.WriteAllText(inventory, Inventory(remote));

        var playbook = Playbook(inventory, fetched, "json");

        Assert.True(playbook.Ok, playbook.ToString());
        Assert.Equal(["a.tar.gz", "b.tar.gz", "fleet.json"], Directory.GetFiles(fetched).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Empty(Directory.GetFileSystemEntries(remote));
        var viaAnsible = File.ReadAllText(Path.Combine(fetched, "fleet.json"));
        var direct = DirectFleet("json");
        Assert.Equal(direct.Out, viaAnsible);
        var report = JsonDocument.Parse(viaAnsible).RootElement;
        Assert.Equal(["a", "b"], report.GetProperty("hosts").EnumerateArray().Select(h => h.GetProperty("name").GetString()));
        // The lab's routed setup as FleetLabTests knows it (pings included): the bundles are the hosts'.
        // The compact form, the default: each host's one container a row of one group.
        Assert.Equal(["reachable", "reachable"], report.GetProperty("containers").GetProperty("rows").EnumerateArray()
            .SelectMany(r => r.GetProperty("groups").EnumerateArray()).Select(g => g.GetProperty("outcome").GetString()));

        // Text, the playbook's default: the same report, and printed in Ansible's output.
        playbook = Playbook(inventory, fetched, "text");

        Assert.True(playbook.Ok, playbook.ToString());
        Assert.Equal(DirectFleet("text").Out, File.ReadAllText(Path.Combine(fetched, "fleet.txt")));
        Assert.Contains("a/bridge (10.103.100.0/24) -> b/bridge (10.103.200.0/24): reachable", playbook.Out, StringComparison.Ordinal);
    }

    /// <summary>The two lab hosts, reached by the local connection as root, each captured in its namespace through its Engine.</summary>
    private string Inventory(string remote)
    {
        var dockerfw = Path.Combine(AppContext.BaseDirectory, "dockerfw");
        object Host(FleetHostDaemon host) => new Dictionary<string, object>
        {
            ["ansible_connection"] = "local",
            ["ansible_python_interpreter"] = "/usr/bin/python3",
            ["dockerfw_become"] = false,
            ["dockerfw_command"] = dockerfw,
            ["dockerfw_controller_command"] = dockerfw,
            ["dockerfw_remote_dir"] = remote,
            ["dockerfw_capture_args"] = new[] { "--netns", host.Netns, "--docker-host", host.DockerHost },
        };
        // JSON is YAML: Ansible's yaml inventory plugin reads it.
        return JsonSerializer.Serialize(new { all = new { children = new { docker_hosts = new { hosts = new { a = Host(lab.A), b = Host(lab.B) } } } } });
    }

    private ProcessResult Playbook(string inventory, string fetched, string format) =>
        Processes.Run("ansible-playbook", ["-i", inventory, Path.Combine(RepoRoot, "deploy", "ansible", "fleet.yml"), "-e", $"fleet_dir={fetched}", "-e", $"fleet_format={format}"],
            TimeSpan.FromMinutes(5), environment: new Dictionary<string, string>
            {
                // Ansible refuses any locale but a UTF-8 one (Sh runs programs in C).
                ["LC_ALL"] = "C.UTF-8",
                ["ANSIBLE_NOCOLOR"] = "1",
                ["ANSIBLE_LOCAL_TEMP"] = Path.Combine(folder, "ansible-local"),
                ["ANSIBLE_REMOTE_TEMP"] = Path.Combine(folder, "ansible-remote"),
                ["ANSIBLE_RETRY_FILES_ENABLED"] = "0",
            });

    /// <summary>The lab's own way: both hosts captured here, then fleet on the directory of bundles.</summary>
    private (int Exit, string Out) DirectFleet(string format)
    {
        var bundles = Path.Combine(folder, "direct-" + format);
        foreach (var (name, host) in new[] { ("a", lab.A), ("b", lab.B) })
        {
            var capture = Run("capture", "--netns", host.Netns, "--docker-host", host.DockerHost, Path.Combine(bundles, name + ".tar.gz"));
            Assert.True(capture.Exit == 0, capture.Error);
        }

        var fleet = Run("fleet", "--format", format, bundles);
        Assert.True(fleet.Exit is 0 or 1, fleet.Error);
        return (fleet.Exit, fleet.Out);
    }

    private static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DockerFw.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("DockerFw.sln not found above the test binaries");
        }
    }

    private static (int Exit, string Out, string Error) Run(params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var exit = DockerFw.Cli.DockerFwApp.Run(args, new DockerFw.Cli.StandardStreams(new StringReader(""), output, error));
        return (exit, output.ToString(), error.ToString());
    }
}
