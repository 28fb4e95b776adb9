using System.Globalization;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// Debian's real firewalld (the package's 1.3, nftables back end: <c>table inet firewalld</c>) run for
/// one lab host, so that the oracle meets a second firewall manager's rules beside Docker's, as on a
/// host where both run. firewalld talks D-Bus: a private <c>dbus-daemon</c> (its own configuration,
/// root only, its socket in the lab's directory) is the host's system bus for firewalld, firewall-cmd
/// and the lab's dockerd, which then finds firewalld at start, makes its <c>docker</c> zone and puts
/// its bridges in it. firewalld runs in the lab's network namespace and in a mount namespace of its
/// own with the lab's copies bound over <c>/etc/firewalld</c> and <c>/run</c> (its temporary files), so the
/// machine's firewalld files are never read or written and its firewall is never touched. Both
/// processes are stopped by PID (after dockerd, whose calls would wait on them); their pidfiles and
/// command lines name the lab's directory for scripts/lab-cleanup.sh.
/// </summary>
public sealed class Firewalld
{
    private const string Daemon = "/usr/sbin/firewalld";
    private const string Cli = "/usr/bin/firewall-cmd";

    // Debian's /etc/firewalld/firewalld.conf as the package ships it, the settings that shape rules
    // (a conffile: the machine's may be edited); the rest take firewalld's defaults.
    private const string Conf = """
        DefaultZone=public
        CleanupOnExit=yes
        Lockdown=no
        IPv6_rpfilter=yes
        IndividualCalls=no
        LogDenied=off
        FirewallBackend=nftables
        FlushAllOnReload=yes
        RFC3964_IPv4=yes

        """;

    private readonly string dir;

    private Firewalld(string dir) => this.dir = dir;

    /// <summary>The private system bus, for every program of the lab that talks to firewalld.</summary>
    public string BusAddress => "unix:path=" + Path.Combine(dir, "bus");

    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["DBUS_SYSTEM_BUS_ADDRESS"] = BusAddress };

    private string DbusPidFile => Path.Combine(dir, "dbus.pid");

    private string PidFile => Path.Combine(dir, "firewalld.pid");

    /// <summary>Starts the bus and firewalld in the lab's namespace and waits until firewalld answers.</summary>
    public static Firewalld Start(string workDir, string netns)
    {
        if (!File.Exists(Daemon) || !File.Exists(Cli))
            throw new InvalidOperationException("firewalld is not installed (apt-get install --no-install-recommends firewalld; .ci/run installs it): the scenario runs it on the lab host");
        var f = new Firewalld(Path.Combine(workDir, "firewalld"));
        f.Configure();
        var ns = $"--net=/var/run/netns/{netns}";
        f.Launch(f.DbusPidFile, $"exec nsenter {ns} dbus-daemon --nofork --nopidfile --config-file='{Path.Combine(f.dir, "bus.conf")}'");
        f.WaitFor(() => File.Exists(Path.Combine(f.dir, "bus")), "the private D-Bus socket");
        var etc = Path.Combine(f.dir, "etc");
        var run = Path.Combine(f.dir, "run");
        // /run/firewalld (its temporary files) may not exist on the machine: the lab's directory stands
        // for the whole of /run, which firewalld alone sees (it reaches its bus by address).
        var binds = $"mount --bind '{etc}' /etc/firewalld && mount --bind '{run}' /run";
        f.Launch(f.PidFile, $"exec nsenter {ns} unshare --mount --propagation private sh -c \"{binds} && export DBUS_SYSTEM_BUS_ADDRESS='{f.BusAddress}' && exec {Daemon} --nofork --nopid --log-file '{Path.Combine(f.dir, "firewalld.log")}'\"");
        f.WaitFor(() => f.Call("--state").Ok, "firewalld's answer on the private bus");
        return f;
    }

    /// <summary>firewall-cmd on the private bus; a refusal is a broken test bed.</summary>
    public string Must(params string[] arguments)
    {
        var r = Call(arguments);
        if (!r.Ok) throw new InvalidOperationException($"firewall-cmd {string.Join(' ', arguments)}: {r}\n{Log()}");
        return r.Out.Trim();
    }

    public ProcessResult Call(params string[] arguments) => Processes.Run(Cli, arguments, TimeSpan.FromSeconds(60), environment: Environment);

    /// <summary>Stops firewalld, then its bus: TERM, then KILL after a grace.</summary>
    public void Stop()
    {
        foreach (var file in new[] { PidFile, DbusPidFile })
        {
            if (!File.Exists(file) || !int.TryParse(File.ReadAllText(file).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            Processes.Signal(pid, "TERM");
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (DateTime.UtcNow < deadline && Processes.Alive(pid)) Thread.Sleep(100);
            if (Processes.Alive(pid)) Processes.Signal(pid, "KILL");
        }
    }

    public string Log()
    {
        var log = Path.Combine(dir, "firewalld.log");
        return File.Exists(log) ? string.Join('\n', File.ReadAllLines(log).TakeLast(15)) : "(no firewalld log)";
    }

    private void Configure()
    {
        Directory.CreateDirectory(Path.Combine(dir, "run"));
        foreach (var sub in new[] { "zones", "services", "policies", "icmptypes", "ipsets", "helpers" })
            Directory.CreateDirectory(Path.Combine(dir, "etc", sub));
        File.WriteAllText(Path.Combine(dir, "etc", "firewalld.conf"), Conf);
        // Root alone on a bus of its own: firewalld owns its name, Docker and firewall-cmd call it.
        File.WriteAllText(Path.Combine(dir, "bus.conf"), $"""
            <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
             "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
            <busconfig>
              <type>system</type>
              <listen>unix:path={Path.Combine(dir, "bus")}</listen>
              <auth>EXTERNAL</auth>
              <policy user="root">
                <allow own="*"/>
                <allow send_destination="*"/>
                <allow receive_sender="*"/>
              </policy>
              <policy context="default">
                <deny own="*"/>
                <deny send_destination="*"/>
              </policy>
            </busconfig>

            """);
    }

    // setsid: the process leaves the test's process group, as dockerd does; its PID (the same through
    // every exec) goes to a pidfile before it runs.
    private void Launch(string pidFile, string script)
    {
        var log = Path.Combine(dir, Path.GetFileNameWithoutExtension(pidFile) + ".out");
        var command = $"echo $$ > '{pidFile}'; {script} >>'{log}' 2>&1";
        using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("setsid", ["sh", "-c", command]) { UseShellExecute = false });
    }

    private void WaitFor(Func<bool> ready, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (ready()) return;
            Thread.Sleep(300);
        }

        throw new InvalidOperationException($"no {what} after 90 s: {Log()}");
    }
}
