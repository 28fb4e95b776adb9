using System.Diagnostics;
using DockerFw.Cli;

namespace DockerFw.Cli.Tests;

/// <summary>
/// Standard output that cannot be written (a reader that went away, a full device) is one line on
/// stderr and exit 2, in the real process: Console.Out used to drop the write to a closed pipe and
/// exit 0 with the output cut.
/// </summary>
public class ClosedOutputTests
{
    /// <param name="script">A shell command where <c>FMT</c> stands for <c>dockerfw fmt DUMP</c>.</param>
    private static (int Exit, string Error) Run(string script)
    {
        var dump = Path.Combine(Path.GetTempPath(), $"dfw-closed-{Environment.ProcessId}.txt");
        using var text = new StreamWriter(dump);
        text.Write("*filter\n:INPUT ACCEPT [0:0]\n");
        for (var i = 0; i < 20_000; i++) text.Write($"-A INPUT -s 10.{i / 256 % 256}.{i % 256}.1/32 -p tcp -m tcp --dport {i % 60000 + 1} -j ACCEPT\n");
        text.Write("COMMIT\n");
        text.Close();
        try
        {
            var start = new ProcessStartInfo("/bin/sh") { RedirectStandardError = true };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(script.Replace("FMT", "dotnet \"$0\" fmt \"$1\"", StringComparison.Ordinal));
            start.ArgumentList.Add(typeof(DockerFwApp).Assembly.Location);
            start.ArgumentList.Add(dump);
            using var shell = Process.Start(start)!;
            var error = shell.StandardError.ReadToEnd();
            shell.WaitForExit();
            return (shell.ExitCode, error);
        }
        finally
        {
            File.Delete(dump);
        }
    }

    [Fact]
    public void A_closed_pipe_is_one_line_and_exit_2()
    {
        // The pipeline's status is head's; dockerfw's own is echoed to stderr after its message.
        var (_, error) = Run("{ FMT; echo \"exit $?\" >&2; } | head -c1 >/dev/null");
        Assert.Equal("dockerfw: error: cannot write to standard output: Broken pipe\nexit 2\n", error);
    }

    // A FileStream over a regular file wrote with pwrite(2) at a position of its own, leaving the
    // offset it shares with the shell where it was: what came after overwrote the report.
    [Fact]
    public void A_file_shared_with_the_shell_keeps_everything_written_to_it_in_order()
    {
        var log = Path.Combine(Path.GetTempPath(), $"dfw-shared-{Environment.ProcessId}.txt");
        try
        {
            var (exit, error) = Run($"{{ echo first; FMT; echo between; FMT; echo last; }} > '{log}'");

            Assert.True(exit == 0, error);
            var lines = File.ReadAllLines(log);
            Assert.Equal("first", lines[0]);
            Assert.Equal("last", lines[^1]);
            var between = Array.IndexOf(lines, "between");
            Assert.True(between > 1, "the shell's line is missing or on top of dockerfw's output");
            Assert.Equal(lines[1..between], lines[(between + 1)..^1]);
            Assert.Equal("*filter", lines[between + 2]);
        }
        finally
        {
            File.Delete(log);
        }
    }

    [Fact]
    public void A_full_device_is_one_line_and_exit_2()
    {
        var (exit, error) = Run("FMT > /dev/full");
        Assert.Equal(2, exit);
        Assert.Equal("dockerfw: error: cannot write to standard output: No space left on device\n", error);
    }
}
