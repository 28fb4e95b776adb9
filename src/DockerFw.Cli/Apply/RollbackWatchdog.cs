using System.Globalization;
using DockerFw.Cli.Input;

namespace DockerFw.Cli.Apply;

/// <summary>
/// A rollback that does not depend on dockerfw surviving the confirmation wait: before the rules
/// change, a shell detached with <c>setsid</c> (out of the terminal's session, so a hang-up does not
/// reach it) sleeps past the deadline and then runs the undo files unless the apply was settled
/// (confirmed, or rolled back by dockerfw itself), which dockerfw marks with a file. SIGKILL,
/// a dropped SSH session or a crash then still end with dockerfw's changes undone. Its output goes
/// to a log next to the backups.
/// </summary>
internal sealed class RollbackWatchdog
{
    // Time for the apply itself (two restores waiting up to 10 s each for the xtables lock, read-backs)
    // before the confirmation wait starts: the watchdog never fires while dockerfw may still ask.
    // DOCKERFW_ROLLBACK_GRACE_SECONDS shortens it where applies are fast (tests).
    public static TimeSpan Grace =>
        int.TryParse(Environment.GetEnvironmentVariable("DOCKERFW_ROLLBACK_GRACE_SECONDS"), CultureInfo.InvariantCulture, out var seconds) && seconds >= 0
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromSeconds(30);

    private readonly string settled;

    private RollbackWatchdog(string settled, string log) => (this.settled, Log) = (settled, log);

    public string Log { get; }

    /// <summary>Starts the watchdog for the undo <paramref name="commands"/> (each an argv); null with the reason when it cannot.</summary>
    public static (RollbackWatchdog? Watchdog, string? Problem) Start(
        IHostCommandRunner runner, string directory, string stamp, TimeSpan after, IEnumerable<string[]> commands)
    {
        var settled = Path.Combine(directory, $"settled-{stamp}");
        var log = Path.Combine(directory, $"watchdog-{stamp}.log");
        var seconds = Math.Ceiling((after + Grace).TotalSeconds).ToString(CultureInfo.InvariantCulture);
        var undo = string.Join('\n', commands.Select(c => string.Join(' ', c.Select(BackupFiles.Quoted)) + " && echo undone: " + BackupFiles.Quoted(c[^1])));
        // The shell lets go of dockerfw's pipes first, so that starting it does not wait for it.
        // It looks every second, so that it ends as soon as the apply is settled (or its directory is gone).
        var script = $"""
            exec >>{BackupFiles.Quoted(log)} 2>&1 </dev/null
            left={seconds}
            while [ "$left" -gt 0 ]; do
              [ -e {BackupFiles.Quoted(settled)} ] && exit 0
              [ -d {BackupFiles.Quoted(directory)} ] || exit 0
              sleep 1
              left=$((left - 1))
            done
            [ -e {BackupFiles.Quoted(settled)} ] && exit 0
            echo "$(date -u) not confirmed: undoing dockerfw's changes"
            {undo}

            """;
        try
        {
            var started = runner.Run("setsid", ["-f", "sh", "-c", script]);
            return started.ExitCode == 0 ? (new RollbackWatchdog(settled, log), null) : (null, $"setsid failed: {started.Stderr.Trim()}");
        }
        catch (CliFailure e)
        {
            return (null, e.Message);
        }
    }

    /// <summary>Tells the watchdog to do nothing; false when the mark cannot be written (it will then undo).</summary>
    public bool Settle()
    {
        try
        {
            BackupFiles.WriteDurably(Path.GetDirectoryName(settled)!, Path.GetFileName(settled), "", "");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
