using DockerFw.Cli.Commands;
using DockerFw.Cli.Composition;
using DockerFw.Cli.Tests.Support;
using DockerFw.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace DockerFw.Cli.Tests;

/// <summary>
/// The fmt-only program (FmtProgram: lib/dockerfw-fmt of the native build, to which lib/dockerfw hands every
/// `dockerfw fmt` run) is the full program with fmt alone, composed by hand (and, in the full program, by the container). A run naming fmt must not tell them
/// apart: same output, same errors, same exit code, help included.
/// </summary>
public sealed class FmtProgramTests
{
    public static TheoryData<string, string[]> FmtRuns() => new()
    {
        { "a dump", ["fmt", "samples/lab-host/iptables-save"] },
        { "without counters", ["fmt", "--no-counters", "samples/lab-host/ip6tables-save"] },
        { "a bad rule, strict", ["fmt", "--strict", "tests/DockerFw.Cli.Tests/Packaging/bad-rule.iptables-save"] },
        { "a missing file", ["fmt", "no-such-dump.txt"] },
        { "stdin", ["fmt", "-"] },
        { "help", ["fmt", "--help"] },
        { "short help", ["fmt", "-h"] },
        { "version after the command", ["fmt", "--version"] },
        { "an unknown option", ["fmt", "--colour", "x"] },
        { "a bad family", ["fmt", "--family", "5", "x"] },
        { "both counter options", ["fmt", "--counters", "--no-counters", "x"] },
        { "file and namespace", ["fmt", "--netns", "n1", "x"] },
        { "a missing response file", ["fmt", "@no-such-file.rsp"] },
    };

    [Theory]
    [MemberData(nameof(FmtRuns))]
    public void A_run_naming_fmt_answers_as_the_full_program_does(string what, string[] args)
    {
        args = [.. args.Select(InRepository)];
        const string stdin = "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n";

        var full = Run(args, stdin, streams => DockerFwApp.Run((services, s) => services.AddDockerFwCli(s), args, streams));
        var fmtOnly = Run(args, stdin, streams => DockerFwApp.Run((services, s) => services.AddDockerFwFmt(s), args, streams));
        var fmtProgram = Run(args, stdin, streams => DockerFwApp.Run(FmtProgram.Compose(streams), args, streams));

        Assert.NotEqual("", full.Out + full.Error);
        Assert.True(full == fmtOnly, $"{what}: the full program said\n{full}\nthe fmt-only composition\n{fmtOnly}");
        Assert.True(full == fmtProgram, $"{what}: the full program said\n{full}\nthe fmt-only executable's\n{fmtProgram}");
    }

    [Fact]
    public void The_fmt_only_composition_builds_fmt_with_what_it_registers()
    {
        var streams = new StandardStreams(new StringReader(""), new StringWriter(), new StringWriter());

        using var provider = new ServiceCollection().AddDockerFwFmt(streams)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.Equal(["fmt"], provider.GetServices<CliCommandName>().Select(n => n.Name));
        Assert.Equal(["fmt"], provider.GetRequiredService<RootCommandFactory>().Create().Subcommands.Select(c => c.Name));
    }

    [Fact]
    public void The_fmt_only_executable_builds_fmt_alone()
    {
        var streams = new StandardStreams(new StringReader(""), new StringWriter(), new StringWriter());

        Assert.Equal(["fmt"], FmtProgram.Compose(streams).Create().Subcommands.Select(c => c.Name));
    }

    private static CliRun Run(string[] args, string stdin, Func<StandardStreams, int> run)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var exit = run(new StandardStreams(new StringReader(stdin), output, error));
        return new CliRun(exit, output.ToString(), error.ToString());
    }

    private static string InRepository(string arg) =>
        arg.StartsWith("samples/", StringComparison.Ordinal) || arg.StartsWith("tests/", StringComparison.Ordinal)
            ? Path.Combine(Corpus.RepoRoot, arg)
            : arg;
}
