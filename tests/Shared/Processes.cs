using System.Diagnostics;

namespace DockerFw.Tests;

/// <summary>What a finished (or stopped) program left behind.</summary>
public sealed record ProcessResult(string CommandLine, int ExitCode, string Out, string Error, bool TimedOut = false)
{
    public bool Ok => ExitCode == 0 && !TimedOut;

    /// <summary>Itself when the program succeeded; otherwise an exception quoting what it said.</summary>
    public ProcessResult EnsureOk() => Ok ? this : throw new InvalidOperationException($"`{CommandLine}`: {this}");

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}

/// <summary>
/// Runs programs for the tests of every project: without a shell, so arguments never need quoting,
/// and always bounded in time, so that no step can hang a run. <c>LC_ALL=C</c> unless the caller
/// sets it, so that messages the tests read do not depend on the machine's locale.
/// </summary>
public static class Processes
{
    private static readonly TimeSpan DefaultLimit = TimeSpan.FromSeconds(60);

    public static ProcessResult Run(
        string program,
        IEnumerable<string> arguments,
        TimeSpan? timeout = null,
        string? stdin = null,
        IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null)
    {
        var start = Redirected(program, arguments, environment, workingDirectory);
        var commandLine = string.Join(' ', [program, .. start.ArgumentList]);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start `{commandLine}`");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        WriteInput(process, stdin);
        var limit = timeout ?? DefaultLimit;
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new ProcessResult(commandLine, -1, stdout.Result, $"{commandLine}: killed after {limit.TotalSeconds:0} s\n{stderr.Result}", TimedOut: true);
        }

        return new ProcessResult(commandLine, process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs and insists on success: set-up that fails is a broken test bed, not a finding.</summary>
    public static string Must(string program, params string[] arguments) => Run(program, arguments).EnsureOk().Out;

    /// <summary>Starts a program left running (a listener), its streams redirected and not read; the caller kills it.</summary>
    public static Process Start(string program, IEnumerable<string> arguments) =>
        Process.Start(Redirected(program, arguments, null, null)) ?? throw new InvalidOperationException($"cannot start {program}");

    /// <summary>Sends <paramref name="signal"/> (HUP, KILL, TERM...) to a process, as a terminal or an init system would.</summary>
    public static void Signal(int pid, string signal) =>
        Run("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);

    /// <summary>
    /// The process's state letter from /proc (R, S, Z...), or null once it is gone. A process can exit
    /// between any two reads of /proc, so its stat file vanishing mid-read is an answer, not an error.
    /// </summary>
    public static char? State(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (in parentheses) may hold spaces; the state follows its closing one.
            var close = stat.LastIndexOf(')');
            return close >= 0 && close + 2 < stat.Length ? stat[close + 2] : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The process exists and is not a zombie waiting for its parent.</summary>
    public static bool Alive(int pid) => State(pid) is { } state && state != 'Z';

    private static ProcessStartInfo Redirected(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment, string? workingDirectory)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["LC_ALL"] = "C";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        return start;
    }

    // A program that rejects its input (iptables-restore at a bad line) stops reading it: the rest
    // of the text hits a closed pipe, and its exit code says what happened.
    private static void WriteInput(Process process, string? stdin)
    {
        try
        {
            if (stdin is not null) process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
        }
    }
}
