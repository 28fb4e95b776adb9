using System.Collections.Immutable;
using System.Globalization;
using DockerFw.Core.Host;

namespace DockerFw.Cli.Live;

/// <summary>
/// The docker-proxy listeners of the host or namespace: its sockets with their processes
/// (<c>ss -Hltunp</c> run inside the namespace sees only that namespace's sockets), then the
/// arguments of those processes (<c>ps</c>), which say where each sends what it accepts.
/// </summary>
internal static class LiveProxies
{
    /// <summary>
    /// The listeners, or null with the notice that says why they could not be read; then they are
    /// assumed from Docker's view.
    /// </summary>
    public static (ImmutableArray<ProxyListener>? Listeners, string? Unread) Read(HostShell shell)
    {
        if (!shell.IsInstalled("ss")) return (null, "ss is not installed: docker-proxy listeners were not read, and are assumed from Docker's view");
        var sockets = shell.Read("ss", "-Hltunp");
        // ss names a socket's process only when it may look into that process's file descriptors: in a
        // container without CAP_SYS_PTRACE (the image's `docker run` line, docs/install.md) it names none.
        if (!string.IsNullOrWhiteSpace(sockets) && !sockets.Contains("users:((", StringComparison.Ordinal))
            return (null, "ss showed no socket's process (a container without CAP_SYS_PTRACE?): docker-proxy listeners were not read, and are assumed from Docker's view");
        var listed = Parse(sockets, "ss -Hltunp");
        var pids = listed.Where(l => l.Pid is not null).Select(l => l.Pid!.Value).Distinct().Order().ToList();
        if (pids.Count == 0 || !shell.IsInstalled("ps")) return (listed, null);
        // A process that ended between the two reads is simply missing: ps then exits 1.
        var arguments = shell.Run("ps", "-ww", "-o", "pid=,args=", "-p", string.Join(',', pids.Select(p => p.ToString(CultureInfo.InvariantCulture))));
        return (Parse(sockets + "\n" + arguments.Stdout, "ss -Hltunp; ps -ww -o pid=,args="), null);
    }

    private static ImmutableArray<ProxyListener> Parse(string text, string what)
    {
        var read = ProxyListingReader.Read(text, what);
        return read.Value?.Listeners ?? throw new CliFailure(string.Join("; ", read.Diagnostics.Select(d => d.Render())));
    }
}
