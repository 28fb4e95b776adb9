using System.Diagnostics;

namespace DockerFw.Kernel.Tests.Harness;

/// <summary>What one external command did.</summary>
internal sealed record CommandResult(string CommandLine, int ExitCode, string Stdout, string Stderr)
{
    public bool Succeeded => ExitCode == 0;

    public CommandResult EnsureSuccess() =>
        Succeeded ? this : throw new InvalidOperationException($"`{CommandLine}` exited {ExitCode}: {Stderr.Trim()}");
}

/// <summary>Runs a program without a shell, so arguments never need quoting, and always bounded in time.</summary>
internal static class Command
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static CommandResult Run(string program, IEnumerable<string> arguments, string? stdin = null, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        var commandLine = string.Join(' ', [program, .. info.ArgumentList]);

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start `{commandLine}`");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        WriteInput(process, stdin);

        if (!process.WaitForExit(timeout ?? DefaultTimeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"`{commandLine}` did not finish within {(timeout ?? DefaultTimeout).TotalSeconds} s");
        }
        return new CommandResult(commandLine, process.ExitCode, stdout.Result, stderr.Result);
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
