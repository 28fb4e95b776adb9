using DockerFw.Tests;

namespace DockerFw.Cli.Tests.Support;

/// <summary>
/// A network namespace of our own (prefix <c>dfwcli-test-</c>), deleted on dispose. Rules are only
/// ever loaded inside it, never into the root namespace's firewall.
/// </summary>
internal sealed class TestNamespace : IDisposable
{
    private static int counter;

    public string Name { get; } = $"dfwcli-test-{Environment.ProcessId}-{Interlocked.Increment(ref counter)}";

    public TestNamespace() => Run("ip", ["netns", "add", Name]);

    /// <summary>Loads a dump with <c>iptables-restore</c> (or ip6tables-restore) inside the namespace.</summary>
    public void Restore(string dump, string tool = "iptables-restore") =>
        Run("ip", ["netns", "exec", Name, tool], dump);

    /// <summary>
    /// Loads nft text with <c>nft -f</c> inside the namespace and returns <c>nft -j list ruleset</c>:
    /// the JSON dockerfw reads, as the kernel lists it.
    /// </summary>
    public string LoadNft(string text)
    {
        Run("ip", ["netns", "exec", Name, "nft", "-f", "-"], text);
        return Run("ip", ["netns", "exec", Name, "nft", "-j", "list", "ruleset"]);
    }

    /// <summary>Deletes the namespace and the apply lock file an apply into it left in /run/dockerfw.</summary>
    public void Dispose()
    {
        Run("ip", ["netns", "delete", Name]);
        // None when no apply ran into it; /run/dockerfw itself is missing on a fresh machine until one runs.
        if (DockerFw.Cli.Apply.ApplyLock.PathFor(Name) is { } lockFile && File.Exists(lockFile)) File.Delete(lockFile);
    }

    /// <summary>An iptables-save listing without its comments and chain counters, to compare two states of the rules.</summary>
    public static string WithoutCounters(string save) => string.Join('\n', save.Split('\n')
        .Where(l => !l.StartsWith('#'))
        .Select(l => l.StartsWith(':') ? l[..l.LastIndexOf(' ')] : l));

    /// <summary>Runs a command inside the namespace and returns its stdout; a failure throws with its stderr.</summary>
    public string Exec(params string[] command) => Run("ip", ["netns", "exec", Name, .. command]);

    private static string Run(string program, string[] arguments, string? stdin = null) =>
        Processes.Run(program, arguments, stdin: stdin).EnsureOk().Out;
}
