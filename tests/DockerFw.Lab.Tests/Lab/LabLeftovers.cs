namespace DockerFw.Lab.Tests.Lab;

/// <summary>
/// The processes of a lab that outlive its daemon: container processes live in namespaces of their
/// own (not the lab's), so a daemon killed with its containers running (a hung <c>docker rm</c>, a
/// shim killed first) leaves them to init. They are found by the container ids of the lab's
/// data-root in <c>/proc/PID/cgroup</c> (every cgroup driver names the id there), and the daemon and
/// shims by the work directory on their command line. scripts/lab-cleanup.sh does the same for labs
/// whose test process was killed before this ran.
/// </summary>
public static class LabLeftovers
{
    /// <summary>The container ids Docker keeps in the data-root (read before the daemon stops: it may remove them).</summary>
    public static IReadOnlyList<string> ContainerIds(string workDir)
    {
        var dir = Path.Combine(workDir, "data", "containers");
        return Directory.Exists(dir) ? Directory.GetDirectories(dir).Select(Path.GetFileName).OfType<string>().Where(i => i.Length >= 12).ToList() : [];
    }

    /// <summary>Kills (SIGKILL) every process still running one of the containers or naming the work directory.</summary>
    public static IReadOnlyList<int> Kill(string workDir, IReadOnlyList<string> containerIds)
    {
        var killed = new List<int>();
        foreach (var proc in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(proc), out var pid) || pid == Environment.ProcessId) continue;
            if (!Belongs(proc, workDir, containerIds)) continue;
            if (Processes.Run("kill", ["-9", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]).Ok) killed.Add(pid);
        }

        return killed;
    }

    private static bool Belongs(string proc, string workDir, IReadOnlyList<string> containerIds)
    {
        try
        {
            var cmdline = File.ReadAllText(Path.Combine(proc, "cmdline")).Replace('\0', ' ');
            if (cmdline.Contains(workDir + "/", StringComparison.Ordinal)) return true;
            if (containerIds.Count == 0) return false;
            var cgroup = File.ReadAllText(Path.Combine(proc, "cgroup"));
            return containerIds.Any(id => cgroup.Contains(id, StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return false; // ended while we looked
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
