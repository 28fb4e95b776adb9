using System.ComponentModel;
using System.Diagnostics;

namespace DockerFw.Cli.Input;

/// <summary>Runs programs with <see cref="Process"/>, reading stdout and stderr concurrently.</summary>
internal sealed class ProcessCommandRunner : IHostCommandRunner
{
    private readonly long outputLimit;

    public ProcessCommandRunner()
        : this(InputLimits.NftJson)
    {
    }

    /// <param name="outputLimit">The most of a program's output read (a test's smaller limit).</param>
    /// <param name="timeout">How long a program may run (a test's shorter one); a minute by default.</param>
    internal ProcessCommandRunner(long outputLimit, TimeSpan? timeout = null) => (this.outputLimit, Timeout) = (outputLimit, timeout ?? DefaultTimeout);

    // iptables-save of a 100,000-rule host takes well under a second; a minute means it hangs
    // (e.g. waiting for the xtables lock).
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(1);

    private TimeSpan Timeout { get; }

    public CommandOutcome Run(string program, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // Messages we match on (Permission denied, ...) must not be translated.
        start.Environment["LC_ALL"] = "C";

        using var process = StartOrFail(start, program);
        process.StandardInput.Close();
        // Bounded like every input: iptables-save or nft printing without end must not fill memory.
        var stdout = Task.Run(() => ReadOrKill(process, process.StandardOutput, outputLimit, $"the output of {program}", "a ruleset listing"));
        var stderr = Task.Run(() => ReadOrKill(process, process.StandardError, InputLimits.MiB, $"the error output of {program}", "messages"));
        var both = Task.WhenAll(stdout, stderr);
        bool finished;
        try
        {
            finished = both.Wait(Timeout) && process.WaitForExit(Timeout);
        }
        catch (AggregateException e) when (e.InnerException is CliFailure tooLarge)
        {
            throw tooLarge;
        }

        if (!finished)
        {
            process.Kill(entireProcessTree: true);
            throw new CliFailure($"{Describe(program, arguments)} did not finish within {Timeout.TotalSeconds:0} s");
        }

        return new CommandOutcome(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    private static string ReadOrKill(Process process, TextReader output, long limit, string name, string what)
    {
        try
        {
            return BoundedRead.Text(output, limit, name, what);
        }
        catch (CliFailure)
        {
            // The program would block on a full pipe forever: stop it before saying why.
            process.Kill(entireProcessTree: true);
            throw;
        }
    }

    public static string Describe(string program, IReadOnlyList<string> arguments) =>
        string.Join(' ', [program, .. arguments]);

    private static Process StartOrFail(ProcessStartInfo start, string program)
    {
        try
        {
            return Process.Start(start) ?? throw new CliFailure($"cannot start {program}");
        }
        catch (Win32Exception e)
        {
            throw new CliFailure($"cannot run {program}: {e.Message} (is it installed and on PATH?)");
        }
    }
}
