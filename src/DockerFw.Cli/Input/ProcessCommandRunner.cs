using System.ComponentModel;
using System.Diagnostics;

namespace DockerFw.Cli.Input;

/// <summary>Runs programs with <see cref="Process"/>, reading stdout and stderr concurrently.</summary>
internal sealed class ProcessCommandRunner : IHostCommandRunner
{
    // iptables-save of a 100,000-rule host takes well under a second; a minute means it hangs
    // (e.g. waiting for the xtables lock).
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

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
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new CliFailure($"{Describe(program, arguments)} did not finish within {Timeout.TotalSeconds:0} s");
        }

        return new CommandOutcome(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
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
