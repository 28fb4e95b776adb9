using DockerFw.Cli.Output;
using DockerFw.Cli.Tests.Capture;
using DockerFw.Cli.Tests.Support;
using DockerFw.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace DockerFw.Cli.Tests.Packaging;

/// <summary>
/// The build scripts/publish.sh makes for hosts (native, ahead of time: docs/install.md): one
/// executable with no .NET beside it, which must answer every command as the tree's program does,
/// byte for byte, on its streams and in its exit code. What trimming or AOT could break (the command
/// line's binding, Spectre's tables, the JSON writers, the bundles' tar and gzip reading, the
/// embedded finding pages of SARIF, the HTML report) is each reached by one of the commands below.
/// </summary>
public sealed class PublishTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("dfw-publish-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>The program, and beside it the same program with fmt alone, to which it hands `dockerfw fmt` (FmtProgram).</summary>
    [Fact]
    public void The_published_build_is_native_executables_with_no_dotnet_runtime_beside_them()
    {
        var lib = Path.Combine(PublishedBuild.Directory, "lib");

        Assert.Equal(["dockerfw", "dockerfw-fmt"], Directory.GetFiles(lib).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var program in new[] { "dockerfw", "dockerfw-fmt" })
            Assert.Equal("\u007fELF"u8.ToArray(), File.ReadAllBytes(Path.Combine(lib, program))[..4]);
        // The launcher and the docker CLI plugin's name both run it; the version is the tree's (its
        // commit may be an older one whose sources were the same: PublishedBuild).
        Assert.Matches(@"^dockerfw \S+\n$", Published(["--version"]).Out);
        Assert.Equal(Commands.RootCommandFactory.Version.Split('+')[0], PublishedBuild.Version.Value.Split('+')[0]);
        Assert.Contains("\"SchemaVersion\":\"0.1.0\"", Published(["docker-cli-plugin-metadata"], program: "docker-fw").Out, StringComparison.Ordinal);
    }

    private static readonly string[] Sample =
    [
        "--iptables", "samples/lab-host/iptables-save", "--ip6tables", "samples/lab-host/ip6tables-save",
        "--docker", "samples/lab-host/docker-networks.json", "--docker", "samples/lab-host/docker-containers.json",
    ];

    public static TheoryData<string, string[]> Invocations() => new()
    {
        { "audit", ["audit", .. Sample] },
        { "audit json", ["audit", .. Sample, "--format", "json"] },
        { "audit sarif", ["audit", .. Sample, "--format", "sarif"] },
        { "audit markdown", ["audit", .. Sample, "--format", "markdown"] },
        { "audit junit", ["audit", .. Sample, "--format", "junit"] },
        { "audit html with containers", ["audit", .. Sample, "--containers", "--format", "html"] },
        { "audit with a policy", ["audit", .. Sample, "--policy", "rules/icc-off-backend.policy", "--format", "json"] },
        { "plan", ["plan", "--policy", "rules/icc-off-backend.policy", .. Sample] },
        { "snapshot", ["snapshot", .. Sample] },
        { "reach", ["reach", .. Sample] },
        { "reach json", ["reach", .. Sample, "--src", "172.30.1.0/24", "--format", "json"] },
        { "trace", ["trace", .. Sample, "--src", "172.30.1.3", "--dst", "172.30.2.2", "--proto", "tcp", "--dport", "5432", "--in", "br-e727bbbf1ba4", "--out", "br-9c93ba76092b"] },
        { "fmt", ["fmt", "samples/lab-host/iptables-save"] },
        { "fmt of a bad rule", ["fmt", "--strict", "tests/DockerFw.Cli.Tests/Packaging/bad-rule.iptables-save"] },
        { "fmt help", ["fmt", "--help"] },
        { "fmt usage error", ["fmt", "--family", "5", "samples/lab-host/iptables-save"] },
        { "fmt of a missing file", ["fmt", "samples/no-such-dump.txt"] },
        { "completion", ["completion", "bash"] },
        { "help", ["audit", "--help"] },
        { "usage error", ["audit", "--format", "yaml"] },
    };

    [Theory]
    [MemberData(nameof(Invocations))]
    public void The_published_build_answers_as_the_trees_program_byte_for_byte(string what, string[] args)
    {
        var published = Published(args);

        Assert.False(published.TimedOut, what);
        Assert.NotEqual("", published.Out + published.Error);
        Assert.Equal(Tree(args), Seen(published));
    }

    [Fact]
    public void The_published_build_reads_captured_bundles_as_the_trees_program_does()
    {
        foreach (var name in new[] { "host-a", "host-b.tar.gz" })
            Assert.Equal(0, Dockerfw.Run(["capture", Path.Combine(folder, name)], stdin: "", new SampleHost().Register).ExitCode);

        foreach (var args in new[] { ["fleet", folder], ["fleet", "--format", "json", folder], new[] { "snapshot", "--bundle", Path.Combine(folder, "host-b.tar.gz") } })
        {
            Assert.Equal(Tree(args), Seen(Published(args)));
        }
    }

    /// <summary>
    /// A root tool must not open the .NET runtime's diagnostic port: a socket in the temporary folder
    /// through which a debugger can attach, which a killed run leaves behind (issue 14). The JIT build
    /// opens one at start (dotnet-diagnostic-PID-...-socket, with clr-debug-pipe files beside it) unless
    /// DOTNET_EnableDiagnostics=0; the native build has none to open, so it runs without a launcher.
    /// Run as /usr/bin/dockerfw is, waiting on its standard input, then killed.
    /// </summary>
    [Fact]
    public void The_published_build_opens_no_diagnostic_socket_and_a_killed_run_leaves_nothing_in_the_temporary_folder()
    {
        var temporary = Directory.CreateDirectory(Path.Combine(folder, "tmp")).FullName;
        var start = new System.Diagnostics.ProcessStartInfo(PublishedBuild.Program, ["fmt", "-"]) { RedirectStandardInput = true, RedirectStandardOutput = true };
        start.Environment["TMPDIR"] = temporary;
        start.Environment.Remove("DOTNET_EnableDiagnostics");
        using var process = System.Diagnostics.Process.Start(start)!;
        try
        {
            Assert.True(Started(process.Id), "the published program did not start reading its input within 30 s");
            var sockets = Directory.GetFiles($"/proc/{process.Id}/fd").Select(fd => new FileInfo(fd).LinkTarget).Where(target => target?.StartsWith("socket:", StringComparison.Ordinal) == true);
            Assert.Empty(sockets);
        }
        finally
        {
            process.Kill();
            process.WaitForExit();
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(temporary));
    }

    /// <summary>
    /// `dockerfw fmt` is run by lib/dockerfw-fmt (the same process, handed over before the runtime starts:
    /// Native/fmt_exec.c), a docker CLI plugin's run or one with the hand-over turned off by lib/dockerfw; without
    /// dockerfw-fmt beside it lib/dockerfw runs fmt itself, answering the same.
    /// </summary>
    [Fact]
    public void Dockerfw_fmt_is_handed_to_the_fmt_only_executable_and_answered_alike_without_it()
    {
        Assert.Equal("dockerfw-fmt", ProgramWaitingOnStdin(PublishedBuild.Program, ["fmt", "-"]));
        Assert.Equal("dockerfw", ProgramWaitingOnStdin(PublishedBuild.Program, ["fmt", "-"], ("DOCKERFW_FMT_EXEC", "0")));
        // Run by docker as its plugin, `fmt` is no command but a missing plugin name: the full program's answer.
        var plugin = Processes.Run(PublishedBuild.Program, ["fmt", "-"], environment: new Dictionary<string, string> { ["DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND"] = "fw" });
        Assert.Equal(ExitCodes.Usage, plugin.ExitCode);
        Assert.Contains("expected the plugin name 'fw'", plugin.Error, StringComparison.Ordinal);

        var alone = Directory.CreateDirectory(Path.Combine(folder, "alone")).FullName;
        File.Copy(Path.Combine(PublishedBuild.Directory, "lib", "dockerfw"), Path.Combine(alone, "dockerfw"));
        foreach (var args in new[] { ["fmt", "samples/lab-host/iptables-save"], new[] { "fmt", "--family", "5", "x" } })
        {
            var full = Processes.Run(Path.Combine(alone, "dockerfw"), args.Select(InRepository), TimeSpan.FromMinutes(2));
            Assert.Equal(Seen(Published(args)), Seen(full));
        }
    }

    /// <summary>The name of the executable that runs <paramref name="args"/>, seen once it waits on its standard input.</summary>
    private static string ProgramWaitingOnStdin(string program, string[] args, params (string Name, string Value)[] environment)
    {
        var start = new System.Diagnostics.ProcessStartInfo(program, args) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment.Remove("DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND");
        start.Environment.Remove("DOCKERFW_FMT_EXEC");
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = System.Diagnostics.Process.Start(start)!;
        try
        {
            Assert.True(Started(process.Id), $"{string.Join(' ', args)} did not start reading its input within 30 s");
            return Path.GetFileName(new FileInfo($"/proc/{process.Id}/exe").LinkTarget!);
        }
        finally
        {
            process.Kill();
            process.WaitForExit();
        }
    }

    /// <summary>The runtime is up (a second thread, the finalizer's, runs) and the main thread waits on its input.</summary>
    private static bool Started(int pid)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < until)
        {
            var state = Processes.State(pid);
            if (state is null) return false;
            if (state == 'S' && Directory.GetDirectories($"/proc/{pid}/task").Length >= 2)
            {
                Thread.Sleep(200);
                return true;
            }

            Thread.Sleep(20);
        }

        return false;
    }

    /// <summary>
    /// The published program, run from the repository as a user would, colours off on both sides; the
    /// files given by their full paths on both, as the tree's program in-process cannot resolve the
    /// repository's relative ones (its working directory is the test's).
    /// </summary>
    private static ProcessResult Published(string[] args, string program = "dockerfw") =>
        Processes.Run(Path.Combine(PublishedBuild.Directory, program), args.Select(InRepository), TimeSpan.FromMinutes(2),
            environment: new Dictionary<string, string> { ["NO_COLOR"] = "1" }, workingDirectory: Corpus.RepoRoot);

    /// <summary>What the published program said, versions out (PublishedBuild.WithoutVersion).</summary>
    private static string Seen(ProcessResult run) =>
        new CliRun(run.ExitCode, PublishedBuild.WithoutVersion(run.Out), PublishedBuild.WithoutVersion(run.Error)).ToString();

    /// <summary>What the tree's program (the test build, JIT) says with the same working directory and environment.</summary>
    private static string Tree(string[] args)
    {
        var run = Dockerfw.Run([.. args.Select(InRepository)], stdin: "", services => services.AddSingleton(new OutputEnvironment(Corpus.RepoRoot, NoColor: true)));
        return new CliRun(run.ExitCode, Audit.LabHost.WithoutVersion(run.Out), Audit.LabHost.WithoutVersion(run.Error)).ToString();
    }

    private static string InRepository(string arg) =>
        arg.StartsWith("samples/", StringComparison.Ordinal) || arg.StartsWith("rules/", StringComparison.Ordinal) || arg.StartsWith("tests/", StringComparison.Ordinal)
            ? Path.Combine(Corpus.RepoRoot, arg)
            : arg;
}
