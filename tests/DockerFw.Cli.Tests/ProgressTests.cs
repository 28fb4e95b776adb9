using System.Diagnostics;
using DockerFw.Cli;
using DockerFw.Tests;

namespace DockerFw.Cli.Tests;

/// <summary>
/// A long run's progress (Output/RunProgress) in the real process: drawn on standard error when that
/// is a terminal (a pseudo-terminal from <c>script</c>), never in a pipe, never on standard output,
/// whose report is byte for byte the one with no terminal at all.
/// </summary>
public sealed class ProgressTests : IDisposable
{
    private static readonly string[] SampleAudit =
    [
        "audit", "--iptables", "samples/lab-host/iptables-save", "--ip6tables", "samples/lab-host/ip6tables-save",
        "--docker", "samples/lab-host/docker-networks.json", "--docker", "samples/lab-host/docker-containers.json",
        "--format", "json", "--fail-on", "never",
    ];

    private readonly string folder = Directory.CreateTempSubdirectory("dfw-progress-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void A_terminal_on_stderr_shows_each_phase_and_stdout_carries_only_the_report()
    {
        var (terminal, report) = OnTerminal("xterm");

        Assert.Contains("reading the rules and Docker's view", terminal, StringComparison.Ordinal);
        Assert.Contains("auditing 5 networks and 4 containers", terminal, StringComparison.Ordinal);
        Assert.Contains("\e[", terminal, StringComparison.Ordinal);
        Assert.DoesNotContain("\"schema\"", terminal, StringComparison.Ordinal);
        Assert.Equal(Expected(), report);
    }

    [Fact]
    public void Reach_shows_its_phases_on_the_terminal_too()
    {
        string[] reach = ["reach", "--iptables", "samples/lab-host/iptables-save", "--src", "172.30.1.0/24", "--dst", "172.30.2.0/24"];

        var (terminal, output) = OnTerminal("xterm", reach);

        Assert.Contains("reading the rules and Docker's view", terminal, StringComparison.Ordinal);
        Assert.Matches("following every packet of the query through [0-9]+ rules", terminal);
        Assert.Equal(Audit.LabHost.Run([.. reach.Select(InRepository)]).Out, output);
    }

    [Fact]
    public void Fleet_shows_each_host_it_reads_once()
    {
        foreach (var name in new[] { "host-a", "host-b" })
            Assert.Equal(0, Support.Dockerfw.Run(["capture", Path.Combine(folder, "bundles", name)], stdin: "", new Capture.SampleHost().Register).ExitCode);
        string[] fleet = ["fleet", "--format", "json", Path.Combine(folder, "bundles")];

        var (terminal, output) = OnTerminal("xterm", fleet, exit: 1);

        Assert.Contains("reading host 1 of 2: host-a", terminal, StringComparison.Ordinal);
        Assert.Contains("reading host 2 of 2: host-b", terminal, StringComparison.Ordinal);
        // One pass: the sample host's walks cover its legs of the plan, so no bundle is read again.
        Assert.DoesNotContain("reading again", terminal, StringComparison.Ordinal);
        Assert.Equal(Support.Dockerfw.Run(fleet).Out, output);
    }

    [Fact]
    public void A_dumb_terminal_gets_no_progress()
    {
        var (terminal, report) = OnTerminal("dumb");

        Assert.DoesNotContain("reading", terminal, StringComparison.Ordinal);
        Assert.DoesNotContain("\e[", terminal, StringComparison.Ordinal);
        Assert.Equal(Expected(), report);
    }

    [Fact]
    public async Task A_pipe_gets_no_progress()
    {
        var start = Program("dotnet", [typeof(DockerFwApp).Assembly.Location, .. SampleAudit]);
        start.Environment["TERM"] = "xterm";
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var report = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(0, process.ExitCode);
        Assert.Equal("", await error);
        Assert.Equal(Expected(), report);
    }

    /// <summary>
    /// The sample's audit with standard error on a pseudo-terminal of <c>script</c> and standard output
    /// to a file: what the terminal showed, and the report.
    /// </summary>
    private (string Terminal, string Report) OnTerminal(string term, string[]? arguments = null, int exit = 0)
    {
        var report = Path.Combine(folder, "report.json");
        var transcript = Path.Combine(folder, "terminal.txt");
        var command = string.Join(' ', ["dotnet", Quoted(typeof(DockerFwApp).Assembly.Location), .. (arguments ?? SampleAudit).Select(Quoted), ">" + Quoted(report)]);
        var start = Program("script", ["-qec", command, transcript]);
        start.Environment["TERM"] = term;
        using var process = Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();

        Assert.True(process.ExitCode == exit, $"script exited {process.ExitCode}: {error}");
        return (File.ReadAllText(transcript), File.ReadAllText(report));
    }

    private static ProcessStartInfo Program(string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = Corpus.RepoRoot,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        return start;
    }

    private static string InRepository(string argument) =>
        argument.StartsWith("samples/", StringComparison.Ordinal) ? Path.Combine(Corpus.RepoRoot, argument) : argument;

    private static string Quoted(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>The same audit in-process, with no terminal anywhere.</summary>
    private static string Expected()
    {
        var run = Audit.LabHost.Run([.. SampleAudit.Select(InRepository)]);
        Assert.Equal(0, run.ExitCode);
        return run.Out;
    }
}
