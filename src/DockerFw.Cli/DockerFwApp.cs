using System.CommandLine;
using System.CommandLine.Invocation;
using DockerFw.Cli.Commands;
using DockerFw.Cli.Composition;
using Microsoft.Extensions.DependencyInjection;

namespace DockerFw.Cli;

/// <summary>
/// The composition root: builds the container, the command tree, parses and runs, and maps every
/// outcome to an exit code. Nothing escapes as an exception or a stack trace.
/// </summary>
internal static class DockerFwApp
{
    /// <summary>
    /// How the container is built on every run. Every registration is checked by CompositionTests
    /// (<see cref="ServiceProviderOptions.ValidateOnBuild"/>), not on every run: in the native build that
    /// check reflects over every service's constructor, a twentieth of the CPU of `fmt` of a small dump
    /// (docs/performance.md, "Reader on every shape").
    /// </summary>
    internal static readonly ServiceProviderOptions Container = new() { ValidateOnBuild = false, ValidateScopes = true };

    /// <param name="configure">Extra registrations applied last (tests replace the process runner here).</param>
    public static int Run(string[] args, StandardStreams streams, Action<IServiceCollection>? configure = null) =>
        Run((services, streams) => services.AddDockerFwCli(streams), args, streams, configure);

    /// <param name="compose">What the program is made of: every command (<see cref="CliServiceCollectionExtensions.AddDockerFwCli"/>) or fmt alone (<see cref="FmtProgram"/>).</param>
    /// <param name="configure">Extra registrations applied last.</param>
    public static int Run(Func<IServiceCollection, StandardStreams, IServiceCollection> compose, string[] args, StandardStreams streams, Action<IServiceCollection>? configure = null)
    {
        try
        {
            var services = compose(new ServiceCollection(), streams);
            configure?.Invoke(services);
            using var provider = services.BuildServiceProvider(Container);
            return Run(provider.GetRequiredService<RootCommandFactory>(), args, streams);
        }
        catch (Exception e)
        {
            return ReportFailure(e, streams.Error);
        }
    }

    /// <summary>The run itself, with the commands <paramref name="commands"/> builds (the fmt-only executable composes fmt without the container).</summary>
    public static int Run(RootCommandFactory commands, string[] args, StandardStreams streams)
    {
        try
        {
            var root = commands.Create(args);
            var code = Invoke(root, args, streams);
            streams.Out.Flush();
            return code;
        }
        catch (Exception e)
        {
            return ReportFailure(e, streams.Error);
        }
    }

    private static int Invoke(Command root, string[] args, StandardStreams streams)
    {
        // The shell scripts of `dockerfw completion` ask this way; it is no command of the tree.
        if (args is [Completion.Completions.Request, .. var words]) return Completion.Completions.Write(root, words, streams.Out);
        var parsed = root.Parse(args);
        if (parsed.Action is ParseErrorAction)
        {
            foreach (var error in parsed.Errors)
                streams.Error.WriteLine($"dockerfw: usage: {OneLine(error.Message, " ")}");
            streams.Error.WriteLine("Run 'dockerfw --help' (or 'dockerfw COMMAND --help') for usage.");
            return ExitCodes.Usage;
        }

        return parsed.Invoke(new InvocationConfiguration
        {
            Output = streams.Out,
            Error = streams.Error,
            // Our handler below prints one line instead of the library's stack trace.
            EnableDefaultExceptionHandler = false,
        });
    }

    private static int ReportFailure(Exception e, TextWriter error)
    {
        var message = e switch
        {
            CliFailure failure => failure.Message,
            OutputFailure output => output.Message,
            _ => $"unexpected {e.GetType().Name}: {e.Message}",
        };
        error.WriteLine($"dockerfw: error: {OneLine(message, " | ")}");
        return ExitCodes.Error;
    }

    private static string OneLine(string text, string separator) =>
        string.Join(separator, text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
