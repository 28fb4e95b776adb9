using System.Diagnostics;
using System.Text;

namespace DockerFw.Tests;

/// <summary>
/// dockerfw run as its own process (the built dockerfw.dll beside the tests), with stdin held open, so
/// that a test can send it signals, SIGKILL included, as a terminal or an init system would, and read
/// what it printed so far.
/// </summary>
public sealed class DockerFwProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly StringBuilder error = new();
    private readonly StringBuilder both = new();

    private DockerFwProcess(Process process) => this.process = process;

    public int Pid => process.Id;

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    /// <summary>Its standard output and error as they came, interleaved.</summary>
    public string Log
    {
        get
        {
            lock (both) return both.ToString();
        }
    }

    public static DockerFwProcess Start(params string[] args)
    {
        // Through env --default-signal: a test run started under nohup or as a background job passes
        // SIGHUP and SIGINT down ignored, and a process cannot catch what it inherited as ignored.
        var start = new ProcessStartInfo("env")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in (string[])["--default-signal=HUP,INT,TERM", "dotnet", Path.Combine(AppContext.BaseDirectory, "dockerfw.dll"), .. args])
            start.ArgumentList.Add(arg);
        // The watchdog's margin for the apply itself, short where applies are fast.
        start.Environment["DOCKERFW_ROLLBACK_GRACE_SECONDS"] = "1";
        var child = new DockerFwProcess(Process.Start(start)!);
        child.process.OutputDataReceived += (_, e) => child.Append(child.output, e.Data);
        child.process.ErrorDataReceived += (_, e) => child.Append(child.error, e.Data);
        child.process.BeginOutputReadLine();
        child.process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Whether stdout shows <paramref name="text"/> within a minute (false once it exited without).</summary>
    public bool Shows(string text)
    {
        for (var waited = 0; waited < 600; waited++)
        {
            lock (output) if (output.ToString().Contains(text, StringComparison.Ordinal)) return true;
            if (process.HasExited) return false;
            Thread.Sleep(100);
        }

        return false;
    }

    /// <summary>Waits (up to a minute) until stdout shows <paramref name="text"/>; throws with what it printed otherwise.</summary>
    public void WaitFor(string text)
    {
        if (!Shows(text)) throw new InvalidOperationException($"dockerfw never printed '{text}': {Log}");
    }

    public void Signal(string signal) => Processes.Signal(Pid, signal);

    /// <summary>Whether it exited within <paramref name="limit"/>; when it did, its output is read to the end.</summary>
    public bool Exits(TimeSpan limit)
    {
        if (!process.WaitForExit(limit)) return false;
        // With a timeout, WaitForExit does not wait for the redirected output to be read to its end;
        // without one (the process has exited) it does, so the last line is there.
        process.WaitForExit();
        return true;
    }

    /// <summary>Waits for the exit (killing it after a minute) and returns its code and stderr.</summary>
    public (int Exit, string Error) End()
    {
        if (!process.WaitForExit(TimeSpan.FromMinutes(1))) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        lock (error) return (process.ExitCode, error.ToString());
    }

    /// <summary>Kills it (and what it started) if it still runs.</summary>
    public void Stop()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
    }

    public void Dispose()
    {
        Stop();
        process.Dispose();
    }

    private void Append(StringBuilder stream, string? line)
    {
        if (line is null) return;
        lock (stream) stream.Append(line).Append('\n');
        lock (both) both.Append(line).Append('\n');
    }
}
