using System.Diagnostics;
using System.Text.Json;
using DockerFw.Lab.Tests.Lab;
using Xunit.Abstractions;

namespace DockerFw.Lab.Tests;

/// <summary>
/// The container image for hosts that only run containers (packaging/image, scripts/build-image.sh):
/// built by the lab's Engine with no registry at all, then run the way docs/install.md says (host
/// network and PID namespaces, NET_ADMIN, the Engine's socket read-only) against that same Engine, so
/// inside the lab namespace. It must say what the tree's own program says of the lab.
/// </summary>
[Collection(DefaultLabCollection.Name)]
public sealed class ContainerImageLabTests : IDisposable
{
    private const string Tag = "dfw/dockerfw:image-test";
    private const string Self = "dfw-image-audit";

    private readonly DefaultLab lab;
    private readonly ITestOutputHelper output;
    private readonly string folder = Directory.CreateTempSubdirectory("dfw-image-").FullName;

    public ContainerImageLabTests(DefaultLab lab, ITestOutputHelper output)
    {
        this.lab = lab;
        this.output = output;
        if (LabDaemon.IsRoot) lab.Reset();
    }

    [LabFact]
    public void The_image_builds_with_no_registry_and_audits_the_engine_and_rules_of_its_host_as_the_tree_does()
    {
        lab.CreateNetwork("imgnet", "--subnet", "172.31.42.0/24");
        lab.MustDocker("run", "-d", "--name", "imgweb", "--network", "imgnet", "-p", "8089:80", LabDaemon.Image, "nc", "-ll", "-p", "80", "-e", "/bin/cat");
        Build();

        var image = Run("--cap-add", "SYS_PTRACE");
        var tree = LabAudit.Of(lab);

        Assert.Contains("docker-engine unix:///var/run/docker.sock", image.GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("name").GetString()));
        Assert.Contains("imgnet", image.GetProperty("networks").EnumerateArray().Select(n => n.GetProperty("name").GetString()));
        foreach (var part in new[] { "networks", "reachability", "published_ports", "published_ports_v6", "sysctls" })
            Assert.Equal(tree.Part(part), image.GetProperty(part).GetRawText());
        // Its own container, in the host's network namespace, is the one thing the image sees that the tree does not.
        Assert.Equal(Findings(tree.Root, except: null), Findings(image, except: Self));
        Assert.Contains(image.GetProperty("findings").EnumerateArray(), f => f.GetProperty("code").GetString() == "DFW701" && LabAudit.Names(f, "containers").Contains(Self));
        Assert.DoesNotContain(Notices(image), n => n.StartsWith("ss ", StringComparison.Ordinal));

        // Without CAP_SYS_PTRACE ss cannot name docker-proxy's process: a notice, not a failed audit.
        Assert.Contains(Notices(Run()), n => n.StartsWith("ss showed no socket's process", StringComparison.Ordinal));

        // The Kubernetes DaemonSet's container (deploy/kubernetes): no shell, dockerfw loops itself, on a
        // read-only root with the bundles' directory mounted; one round here.
        var bundles = Directory.CreateDirectory(Path.Combine(folder, "bundles")).FullName;
        Step("docker run capture --every", "docker", ["-H", lab.DockerHost, "run", "--rm", "--network", "host", "--pid", "host", "--read-only", "--tmpfs", "/tmp",
            "--cap-drop", "ALL", "--cap-add", "NET_ADMIN", "--cap-add", "NET_RAW", "--cap-add", "SYS_PTRACE", "--cap-add", "DAC_READ_SEARCH",
            "-v", lab.Socket + ":/var/run/docker.sock:ro", "-v", bundles + ":/bundles", Tag, "capture", "--every", "1h", "--rounds", "1", "/bundles/node-1.tar.gz"], TimeSpan.FromMinutes(2));
        Assert.Equal(["node-1.tar.gz"], Directory.GetFiles(bundles).Select(Path.GetFileName));
        Assert.Empty(Directory.GetFiles(Path.Combine(bundles, ".next")));
    }

    /// <summary>
    /// The image of scripts/publish.sh's build, the native one that ships, made once per test run
    /// and shared with the Cli tests of the published build and the Debian package (PublishedBuild).
    /// The script forks a few hundred short programs (ldd and cp of every library): 37 s of CPU but
    /// 12.5 min of wall at a load average of 45-70 on two cores (5 Dec 2026), hence the limit.
    /// </summary>
    private void Build() =>
        Step("build-image.sh", Path.Combine(RepoRoot, "scripts", "build-image.sh"), [Tag, PublishedBuild.Directory], TimeSpan.FromMinutes(20));

    /// <summary>The image's audit of the lab, as docs/install.md runs it, with <paramref name="capabilities"/> added.</summary>
    private JsonElement Run(params string[] capabilities)
    {
        var run = Step("docker run", "docker", ["-H", lab.DockerHost, "run", "--rm", "--name", Self, "--network", "host", "--pid", "host", "--cap-add", "NET_ADMIN", .. capabilities,
            "-v", lab.Socket + ":/var/run/docker.sock:ro", Tag, "audit", "--format", "json", "--fail-on", "never"], TimeSpan.FromMinutes(2));
        return JsonDocument.Parse(run.Out).RootElement.Clone();
    }

    private ProcessResult Step(string what, string program, string[] arguments, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        var run = Processes.Run(program, arguments, limit, environment: new Dictionary<string, string> { ["DOCKER_HOST"] = lab.DockerHost });
        output.WriteLine($"{what}: exit {run.ExitCode} in {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(run.Ok, $"{what}: {run}");
        return run;
    }

    private static string[] Findings(JsonElement report, string? except) =>
    [
        .. report.GetProperty("findings").EnumerateArray()
            .Where(f => except is null || !(f.TryGetProperty("containers", out var c) && c.EnumerateArray().Any(n => n.GetString() == except)))
            .Select(f => f.GetRawText()),
    ];

    private static IEnumerable<string> Notices(JsonElement report) => report.GetProperty("notices").EnumerateArray().Select(n => n.GetString()!);

    private static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DockerFw.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("DockerFw.sln not found above the test binaries");
        }
    }

    public void Dispose()
    {
        if (LabDaemon.IsRoot) lab.Docker("rmi", "-f", Tag);
        Directory.Delete(folder, recursive: true);
    }
}
