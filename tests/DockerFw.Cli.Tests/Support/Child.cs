using System.Diagnostics;
using System.Text;
using DockerFw.Cli;

namespace DockerFw.Cli.Tests.Support;

/// <summary>
/// dockerfw run as its own process (the built DockerFw.Cli.dll), with stdin held open, so that a test
/// can send it signals, SIGKILL included, as a terminal or an init system would.
/// </summary>
internal sealed class Child : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly StringBuilder error = new();

    private Child(Process process) => this.process = process;

    public int Pid => process.Id;

    public static Child Start(string[] args)
    {
        // Through env --default-signal: a test run started under nohup or as a background job passes
        // SIGHUP and SIGINT down ignored, and a process cannot catch what it inherited as ignored.
        var start = new ProcessStartInfo("env")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("--default-signal=HUP,INT,TERM");
        start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(typeof(DockerFwApp).Assembly.Location);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["DOCKERFW_ROLLBACK_GRACE_SECONDS"] = "1";
        var child = new Child(Process.Start(start)!);
        child.process.OutputDataReceived += (_, e) => { lock (child.output) child.output.AppendLine(e.Data); };
        child.process.ErrorDataReceived += (_, e) => { lock (child.error) child.error.AppendLine(e.Data); };
        child.process.BeginOutputReadLine();
        child.process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits (up to a minute) until stdout shows <paramref name="text"/>.</summary>
    public void WaitFor(string text)
    {
        for (var waited = 0; waited < 600; waited++)
        {
            lock (output) if (output.ToString().Contains(text, StringComparison.Ordinal)) return;
            if (process.HasExited) break;
            Thread.Sleep(100);
        }

        throw new InvalidOperationException($"dockerfw never printed '{text}': {output}\n{error}");
    }

    public static void Kill(int pid, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Waits for the exit and returns its code and stderr.</summary>
    public (int Exit, string Error) End()
    {
        if (!process.WaitForExit(TimeSpan.FromMinutes(1))) process.Kill();
        process.WaitForExit();
        lock (error) return (process.ExitCode, error.ToString());
    }

    public void Dispose()
    {
        if (!process.HasExited) process.Kill();
        process.Dispose();
    }
}
