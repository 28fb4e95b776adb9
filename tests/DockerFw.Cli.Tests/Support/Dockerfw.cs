using DockerFw.Cli;
using Microsoft.Extensions.DependencyInjection;

namespace DockerFw.Cli.Tests.Support;

/// <summary>What one run of `dockerfw` left on its streams.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}

/// <summary>Runs the real root command in-process, with strings for stdin, stdout and stderr.</summary>
internal static class Dockerfw
{
    public static CliRun Run(params string[] args) => Run(args, stdin: "");

    public static CliRun Run(string[] args, string stdin, Action<IServiceCollection>? configure = null) =>
        Run(args, new StringReader(stdin), configure);

    public static CliRun Run(string[] args, TextReader stdin, Action<IServiceCollection>? configure = null)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var exit = DockerFwApp.Run(args, new StandardStreams(stdin, output, error), configure);
        return new CliRun(exit, output.ToString(), error.ToString());
    }
}
