namespace DockerFw.Kernel.Tests.Harness;

/// <summary>
/// A network namespace of our own, named <c>dfwk-PID-N</c>. Everything the kernel tests run goes
/// through <see cref="Exec"/>, so the root namespace's firewall is never touched. Disposing kills
/// the processes left inside and deletes the namespace.
/// </summary>
internal sealed class Netns : IDisposable
{
    public const string Prefix = "dfwk-";

    private static int _counter;
    private static readonly Lazy<bool> StaleSwept = new(SweepStale);
    private bool _disposed;

    public string Name { get; }

    private Netns(string name) => Name = name;

    /// <param name="prefix">Another suite's own prefix (the nft suite uses <c>dfwn-</c>).</param>
    public static Netns Create(string prefix = Prefix)
    {
        _ = StaleSwept.Value;
        var name = $"{prefix}{Environment.ProcessId}-{Interlocked.Increment(ref _counter)}";
        Processes.Run("ip", ["netns", "add", name]).EnsureOk();
        var netns = new Netns(name);
        netns.Exec("ip", "link", "set", "lo", "up").EnsureOk();
        return netns;
    }

    public ProcessResult Exec(params string[] command) => ExecWithInput(null, command);

    public ProcessResult ExecWithInput(string? stdin, params string[] command) =>
        Processes.Run("ip", ["netns", "exec", Name, .. command], stdin: stdin);

    /// <summary>Runs a command that must end within <paramref name="timeout"/>: one that does not is a broken test bed.</summary>
    public ProcessResult ExecBounded(TimeSpan timeout, params string[] command)
    {
        var result = Processes.Run("ip", ["netns", "exec", Name, .. command], timeout);
        return result.TimedOut ? throw new TimeoutException(result.Error) : result;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Delete(Name);
    }

    private static void Delete(string name)
    {
        var pids = Processes.Run("ip", ["netns", "pids", name]).Out
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var pid in pids) Processes.Run("kill", ["-KILL", pid]);
        Processes.Run("ip", ["netns", "del", name]);
    }

    /// <summary>
    /// Namespaces left by an earlier run that was killed before it could clean up: ours by prefix,
    /// and stale because the process whose id they carry is gone (a concurrent run keeps its own).
    /// </summary>
    private static bool SweepStale()
    {
        var names = Processes.Run("ip", ["netns", "list"]).Out
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ')[0])
            .Where(name => name.StartsWith(Prefix, StringComparison.Ordinal));
        foreach (var name in names)
        {
            var owner = name[Prefix.Length..].Split('-')[0];
            var alive = int.TryParse(owner, out var pid) && pid != Environment.ProcessId && Directory.Exists($"/proc/{pid}");
            if (!alive) Delete(name);
        }
        return true;
    }
}
