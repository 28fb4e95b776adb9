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
    /// <summary>Null when ss is not installed.</summary>
    public static ImmutableArray<ProxyListener>? Read(HostShell shell)
    {
        if (!shell.IsInstalled("ss")) return null;
        var sockets = shell.Read("ss", "-Hltunp");
        var listed = Parse(sockets, "ss -Hltunp");
        var pids = listed.Where(l => l.Pid is not null).Select(l => l.Pid!.Value).Distinct().Order().ToList();
        if (pids.Count == 0 || !shell.IsInstalled("ps")) return listed;
        // A process that ended between the two reads is simply missing: ps then exits 1.
        var arguments = shell.Run("ps", "-ww", "-o", "pid=,args=", "-p", string.Join(',', pids.Select(p => p.ToString(CultureInfo.InvariantCulture))));
        return Parse(sockets + "\n" + arguments.Stdout, "ss -Hltunp; ps -ww -o pid=,args=");
    }

    private static ImmutableArray<ProxyListener> Parse(string text, string what)
    {
        var read = ProxyListingReader.Read(text, what);
        return read.Value?.Listeners ?? throw new CliFailure(string.Join("; ", read.Diagnostics.Select(d => d.Render())));
    }
}
