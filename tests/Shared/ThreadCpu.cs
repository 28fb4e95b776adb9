using System.Globalization;

namespace DockerFw.Tests;

/// <summary>
/// CPU time the calling thread has used, read from /proc/thread-self/stat (user + system, in clock
/// ticks of 10 ms). Tests that bound a computation's cost measure this rather than the wall clock:
/// on a machine shared by many builds a wall-clock bound fails on the load, not on the code.
/// </summary>
public static class ThreadCpu
{
    private const double TicksPerSecond = 100; // USER_HZ, fixed at 100 on Linux for /proc

    public static TimeSpan Now()
    {
        var stat = File.ReadAllText("/proc/thread-self/stat");
        // The command name (field 2) may hold blanks and parentheses: the fields after it are counted from the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // Fields 14 and 15 of the file (utime, stime) are the 12th and 13th after the name.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    /// <summary>Runs <paramref name="action"/> and returns the CPU time this thread spent in it.</summary>
    public static TimeSpan Of(Action action)
    {
        var start = Now();
        action();
        return Now() - start;
    }
}
