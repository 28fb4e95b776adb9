using System.Runtime.InteropServices;

namespace DockerFw.Lab.Tests.Lab;

/// <summary>
/// A real Docker Engine (Debian's docker.io) in a network namespace of its own (<c>dfwlab-PID-N</c>),
/// with its own data-root, exec-root, pidfile and socket, a busybox image made by <c>docker import</c>,
/// and an uplink (a veth) to a second namespace of ours that plays "outside": the internet or the LAN.
/// Everything it starts is stopped by pidfile (dockerd, its containerd), by namespace (the shims) and
/// by cgroup (the container processes, <see cref="LabLeftovers"/>), and both namespaces and the work
/// directory are deleted on dispose, whatever the tests did. A run killed before dispose leaves its
/// labs to scripts/lab-cleanup.sh (the names carry the test process's PID).
/// </summary>
public abstract class LabDaemon : IDisposable
{
    public const string Image = "dfw/busybox:lab";
    public const string UplinkAddress = "198.51.100.2";
    public const string OutsideAddress = "198.51.100.1";

    /// <summary>The echo server in the outside namespace: a connection that gets its word back got out and back.</summary>
    public const int OutsidePort = 9000;

    private static int counter;
    private System.Diagnostics.Process? outsideEcho;

    protected LabDaemon()
    {
        var n = Interlocked.Increment(ref counter);
        Netns = $"dfwlab-{Environment.ProcessId}-{n}";
        Outside = $"dfwlabo-{Environment.ProcessId}-{n}";
        WorkDir = Path.Combine(Path.GetTempPath(), $"dfwlab-{Environment.ProcessId}-{n}");
        if (!IsRoot) return;
        try
        {
            SetUp();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public static bool IsRoot => geteuid() == 0;

    public string Netns { get; }

    public string Outside { get; }

    public string WorkDir { get; }

    public string Socket => Path.Combine(WorkDir, "docker.sock");

    public string DockerHost => "unix://" + Socket;

    private string PidFile => Path.Combine(WorkDir, "dockerd.pid");

    private string ContainerdPidFile => Path.Combine(WorkDir, "exec", "containerd", "containerd.pid");

    /// <summary>Extra dockerd flags (e.g. <c>--icc=false</c>).</summary>
    protected virtual IEnumerable<string> DaemonFlags => [];

    /// <summary>Extra environment of dockerd (a private D-Bus system bus, where a firewalld runs for it).</summary>
    protected virtual IReadOnlyDictionary<string, string> DaemonEnvironment => new Dictionary<string, string>();

    /// <summary>Runs once the namespaces are up and before dockerd starts: what a host runs before Docker (firewalld).</summary>
    protected virtual void BeforeDaemon()
    {
    }

    /// <summary>Runs once dockerd and containerd are stopped: what <see cref="BeforeDaemon"/> started goes here, by PID.</summary>
    protected virtual void AfterDaemon()
    {
    }

    public ProcessResult Docker(params string[] arguments) =>
        Processes.Run("docker", ["-H", DockerHost, .. arguments], TimeSpan.FromSeconds(60));

    public string MustDocker(params string[] arguments)
    {
        var result = Docker(arguments);
        if (!result.Ok) throw new InvalidOperationException($"docker {string.Join(' ', arguments)}: {result}");
        return result.Out.Trim();
    }

    /// <summary>Runs a tool inside the lab namespace (where dockerd and its rules live).</summary>
    public ProcessResult InLab(params string[] arguments) => Processes.Run("ip", ["netns", "exec", Netns, .. arguments], TimeSpan.FromSeconds(30));

    public string MustInLab(params string[] arguments)
    {
        var result = InLab(arguments);
        if (!result.Ok) throw new InvalidOperationException($"in {Netns}: {string.Join(' ', arguments)}: {result}");
        return result.Out;
    }

    public ProcessResult InOutside(params string[] arguments) => Processes.Run("ip", ["netns", "exec", Outside, .. arguments], TimeSpan.FromSeconds(30));

    /// <summary>Back to a clean daemon between scenarios: no containers, no user networks, no admin rules, default sysctls.</summary>
    public void Reset()
    {
        var ids = MustDocker("ps", "-aq").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (ids.Length > 0) MustDocker(["rm", "-f", .. ids]);
        MustDocker("network", "prune", "-f");
        RemoveContainerRulesLeftBehind();
        MustInLab("iptables", "-F", "DOCKER-USER");
        MustInLab("iptables", "-A", "DOCKER-USER", "-j", "RETURN");
        MustInLab("sysctl", "-qw", "net.bridge.bridge-nf-call-iptables=1");
    }

    /// <summary>
    /// Docker 20.10 writes only per-container rules into filter/DOCKER (link and published-port
    /// ACCEPTs) and nat/DOCKER (DNATs), and deletes them one by one when a container goes, stopping at
    /// the first that a test already deleted: the rest stay, and the next scenario, whose containers get
    /// the same addresses, inherits an opening no one made for it. With no container left, every such
    /// rule is stale.
    /// </summary>
    private void RemoveContainerRulesLeftBehind()
    {
        MustInLab("iptables", "-F", "DOCKER");
        foreach (var rule in MustInLab("iptables", "-t", "nat", "-S", "DOCKER").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!rule.StartsWith("-A ", StringComparison.Ordinal) || !rule.Contains("-j DNAT", StringComparison.Ordinal)) continue;
            MustInLab(["iptables", "-t", "nat", "-D", .. rule[3..].Split(' ', StringSplitOptions.RemoveEmptyEntries)]);
        }
    }

    /// <summary>Stops dockerd and starts it again with the same flags: Docker re-creates its chains.</summary>
    public void Restart()
    {
        StopByPidFile(PidFile, TimeSpan.FromSeconds(20));
        StopByPidFile(ContainerdPidFile, TimeSpan.FromSeconds(10));
        StartDaemon();
    }

    private void SetUp()
    {
        Directory.CreateDirectory(WorkDir);
        Processes.Must("ip", "netns", "add", Netns);
        Processes.Must("ip", "netns", "add", Outside);
        MustInLab("ip", "link", "set", "lo", "up");
        Processes.Must("ip", "netns", "exec", Outside, "ip", "link", "set", "lo", "up");
        MustInLab("ip", "link", "add", "uplink0", "type", "veth", "peer", "name", "uplink1", "netns", Outside);
        MustInLab("ip", "addr", "add", UplinkAddress + "/24", "dev", "uplink0");
        MustInLab("ip", "link", "set", "uplink0", "up");
        MustInLab("ip", "route", "add", "default", "via", OutsideAddress);
        Processes.Must("ip", "netns", "exec", Outside, "ip", "addr", "add", OutsideAddress + "/24", "dev", "uplink1");
        Processes.Must("ip", "netns", "exec", Outside, "ip", "link", "set", "uplink1", "up");
        // Outside has no route to the container subnets: a container's connection out only comes back when masqueraded.
        outsideEcho = Processes.Start("ip", ["netns", "exec", Outside, "busybox", "nc", "-ll", "-p", OutsidePort.ToString(System.Globalization.CultureInfo.InvariantCulture), "-e", "/bin/cat"]);

        BeforeDaemon();
        StartDaemon();
        ImportImage();
    }

    private void StartDaemon()
    {
        // nsenter --net only: the daemon keeps the host's mount namespace (ip netns exec would remount
        // /sys); vfs storage works on any file system. As scripts/capture-sample.sh does.
        string[] flags =
        [
            "--data-root", Path.Combine(WorkDir, "data"), "--exec-root", Path.Combine(WorkDir, "exec"),
            "--pidfile", PidFile, "-H", DockerHost, "--storage-driver", "vfs", .. DaemonFlags,
        ];
        var command = $"exec nsenter --net=/var/run/netns/{Netns} dockerd {string.Join(' ', flags)} >>{Path.Combine(WorkDir, "dockerd.log")} 2>&1";
        var start = new System.Diagnostics.ProcessStartInfo("setsid", ["sh", "-c", command]) { UseShellExecute = false };
        foreach (var (key, value) in DaemonEnvironment) start.Environment[key] = value;
        using var daemon = System.Diagnostics.Process.Start(start);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(40);
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(Socket) && Docker("version", "--format", "{{.Server.Version}}").Ok) return;
            Thread.Sleep(200);
        }

        throw new InvalidOperationException($"dockerd did not come up in {Netns}: {Tail(Path.Combine(WorkDir, "dockerd.log"))}");
    }

    private void ImportImage()
    {
        var rootfs = Path.Combine(WorkDir, "rootfs");
        Directory.CreateDirectory(Path.Combine(rootfs, "bin"));
        File.Copy("/bin/busybox", Path.Combine(rootfs, "bin", "busybox"));
        foreach (var tool in new[] { "sh", "nc", "cat", "sleep", "ping", "wget", "ip", "nslookup", "echo", "timeout" })
            File.CreateSymbolicLink(Path.Combine(rootfs, "bin", tool), "busybox");
        var tar = Processes.Run("sh", ["-c", $"tar -C {rootfs} -c . | docker -H {DockerHost} import -c 'CMD [\"/bin/sh\"]' - {Image}"]);
        if (!tar.Ok) throw new InvalidOperationException($"docker import: {tar}");
    }

    public void Dispose()
    {
        if (!IsRoot) return;
        var containers = LabLeftovers.ContainerIds(WorkDir);
        if (File.Exists(Socket))
        {
            var ids = Docker("ps", "-aq").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (ids.Length > 0) Docker(["rm", "-f", .. ids]);
        }

        StopByPidFile(PidFile, TimeSpan.FromSeconds(20));
        StopByPidFile(ContainerdPidFile, TimeSpan.FromSeconds(10));
        AfterDaemon();
        // Whatever is still in our namespaces (shims, a hung daemon) goes too, and the container
        // processes, which live in namespaces of their own: found by their cgroups.
        foreach (var ns in new[] { Netns, Outside })
            foreach (var pid in Processes.Run("ip", ["netns", "pids", ns]).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                Processes.Run("kill", ["-9", pid]);
        LabLeftovers.Kill(WorkDir, [.. containers, .. LabLeftovers.ContainerIds(WorkDir)]);
        if (outsideEcho is { HasExited: false }) outsideEcho.Kill(entireProcessTree: true);
        outsideEcho?.Dispose();

        var mounts = Processes.Run("findmnt", ["-rn", "-o", "TARGET"]).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(m => m.StartsWith(WorkDir, StringComparison.Ordinal)).OrderByDescending(m => m.Length);
        foreach (var mount in mounts) Processes.Run("umount", ["-l", mount]);
        Processes.Run("ip", ["netns", "delete", Netns]);
        // The apply lock file an apply into the lab left (dockerfw keeps it: deleting a flock'd file races).
        File.Delete(DockerFw.Cli.Apply.ApplyLock.PathFor(Netns));
        Processes.Run("ip", ["netns", "delete", Outside]);
        if (Directory.Exists(WorkDir)) Processes.Run("rm", ["-rf", WorkDir]);
        GC.SuppressFinalize(this);
    }

    private static void StopByPidFile(string pidFile, TimeSpan grace)
    {
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid)) return;
        if (!Processes.Run("kill", [pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]).Ok) return;
        var deadline = DateTime.UtcNow + grace;
        while (DateTime.UtcNow < deadline && Processes.State(pid) is not null) Thread.Sleep(100);
        if (Processes.State(pid) is not null) Processes.Run("kill", ["-9", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        while (Processes.Alive(pid) && DateTime.UtcNow < deadline + TimeSpan.FromSeconds(5))
            Thread.Sleep(100);
    }

    private static string Tail(string file) =>
        File.Exists(file) ? string.Join('\n', File.ReadAllLines(file).TakeLast(20)) : "(no log)";

    [DllImport("libc")]
    private static extern uint geteuid();
}

/// <summary>A daemon with Docker's defaults.</summary>
public sealed class DefaultLab : LabDaemon;

/// <summary>A daemon started with <c>--icc=false</c>: the default bridge blocks inter-container traffic.</summary>
public sealed class IccOffLab : LabDaemon
{
    protected override IEnumerable<string> DaemonFlags => ["--icc=false"];
}
