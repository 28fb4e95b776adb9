using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Reflection;

namespace DockerFw.Cli.Commands;

/// <summary>Assembles `dockerfw` from every registered <see cref="ICliCommand"/>.</summary>
internal sealed class RootCommandFactory(IEnumerable<ICliCommand> commands, StandardStreams streams)
{
    public const string Description =
        "dockerfw audits and manages the firewall (iptables/nftables) of Docker hosts.";

    public const string Name = "dockerfw";

    /// <remarks>
    /// A plain command named dockerfw rather than <see cref="RootCommand"/>, whose name is the
    /// process's (dotnet, testhost) and whose version is the entry assembly's.
    /// </remarks>
    public Command Create()
    {
        var root = new Command(Name, Description)
        {
            new HelpOption(),
            new VersionOption { Action = new PrintVersion(streams.Out) },
        };
        foreach (var command in commands.Select(c => c.Create()).OrderBy(c => c.Name, StringComparer.Ordinal))
            root.Subcommands.Add(command);

        AddExitCodesToHelp(root);
        return root;
    }

    public static string Version =>
        typeof(RootCommandFactory).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(RootCommandFactory).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    // Help is a recursive option on the root: one replaced action covers every subcommand's --help.
    private static void AddExitCodesToHelp(Command root)
    {
        foreach (var option in root.Options)
        {
            if (option is HelpOption help && help.Action is { } standard)
                help.Action = new HelpWithExitCodes(standard);
        }
    }

    private sealed class PrintVersion(TextWriter output) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            output.WriteLine($"dockerfw {Version}");
            return ExitCodes.Ok;
        }
    }

    private sealed class HelpWithExitCodes(CommandLineAction standard) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            if (standard is SynchronousCommandLineAction help)
                help.Invoke(parseResult);
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine(ExitCodes.HelpText);
            return ExitCodes.Ok;
        }
    }
}
